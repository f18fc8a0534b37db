/** Number formats shared by the terminal table and the report. */

/** CPU time in a unit that keeps three significant digits: `812 ms`, `1.23 s`. */
export function formatDuration(ns: number): string {
  const ms = ns / 1e6;
  if (ms === 0) return '0 ms';
  if (ms < 0.01) return '<0.01 ms';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(2)} s`;
  if (s < 100) return `${s.toFixed(1)} s`;
  return `${s.toFixed(0)} s`;
}

/** `part` as a percentage of `whole`, one decimal. */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '0.0%';
  return `${((100 * part) / whole).toFixed(1)}%`;
}

/** `file:line` for a frame, without the `file://` scheme; '' for no file. */
export function formatLocation(file: string, line: number): string {
  if (file === '') return '';
  const shown = file.startsWith('file://') ? decodeFileUrl(file) : file;
  return line > 0 ? `${shown}:${line}` : shown;
}

function decodeFileUrl(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return url.slice('file://'.length);
  }
}

/** Cuts `text` to `width` characters, marking the cut with an ellipsis. */
export function truncateEnd(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return chars.slice(0, Math.max(0, width)).join('');
  return `${chars.slice(0, width - 1).join('')}…`;
}

/** Cuts the start of `text` (a path: its end names the file and line). */
export function truncateStart(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return chars.slice(chars.length - Math.max(0, width)).join('');
  return `…${chars.slice(chars.length - width + 1).join('')}`;
}

/** Display width in characters (code points). */
export function textWidth(text: string): number {
  return [...text].length;
}

/**
 * Shows control characters as escapes. Function and file names come from
 * the profiled program; a terminal must not run escape sequences in them.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
