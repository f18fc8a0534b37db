/** What the text tables need to know about the terminal they print to. */

const DEFAULT_WIDTH = 120;

/** The terminal's width; when not a terminal, $COLUMNS, else 120. */
export function terminalWidth(): number {
  if (process.stdout.isTTY && process.stdout.columns > 0) return process.stdout.columns;
  const columns = Number(process.env.COLUMNS);
  return Number.isFinite(columns) && columns > 0 ? columns : DEFAULT_WIDTH;
}

/** Colour only on a terminal, and not when NO_COLOR is set and not empty (no-color.org). */
export function defaultColor(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
}

const RESET = '\u001b[0m';
export const BOLD = '\u001b[1m';
export const DIM = '\u001b[2m';

export function style(text: string, code: string, color: boolean): string {
  return color && code !== '' && text !== '' ? `${code}${text}${RESET}` : text;
}
