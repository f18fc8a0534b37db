/**
 * The page's words and numbers. Durations and percentages come from the
 * terminal table's formats (src/report/format.ts), so both read the same.
 */

export { formatDuration as duration, formatPercent as percent } from '../report/format';

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** UTC time of day, or the full date when `withDate`. */
export function time(ms: number, withDate: boolean): string {
  if (!(ms > 0)) return '';
  const iso = new Date(ms).toISOString();
  return withDate ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso.slice(11, 19);
}

export function spanNameLabel(name: string): string {
  return name === '' ? '(no span name)' : name;
}

/** `file:line` as the profile names it (a `file://` URL stays one). */
export function frameLocation(file: string, line: number): string {
  if (file === '') return '';
  return line > 0 ? `${file}:${line}` : file;
}
