/** Names of the frames that are not JavaScript functions. */
export const PROGRAM_FRAME = '(program)';
export const GC_FRAME = '(garbage collector)';
export const IDLE_FRAME = '(idle)';
/** A function V8 knows no name or script for: an API callback or builtin. */
export const NATIVE_FRAME = '(native)';

/** The last path segment of a script URL or path: `file:///a/b.js` → `b.js`. */
export function scriptBaseName(url: string): string {
  const withoutQuery = url.replace(/[?#].*$/, '');
  const slash = Math.max(withoutQuery.lastIndexOf('/'), withoutQuery.lastIndexOf('\\'));
  return slash >= 0 ? withoutQuery.slice(slash + 1) : withoutQuery;
}

/**
 * The name a JavaScript function shows in a flame graph. V8 gives '' for a
 * function it could not name; the script and position keep two anonymous
 * functions of one file apart. `line` is the function's start line when
 * known, else 0, and then the start column alone places it.
 */
export function functionDisplayName(
  name: string,
  url: string,
  line: number,
  column: number,
): string {
  if (name !== '') return name;
  if (url === '') return NATIVE_FRAME;
  const file = scriptBaseName(url) || url;
  if (line > 0) return `(anonymous ${file}:${line})`;
  if (column > 0) return `(anonymous ${file}, column ${column})`;
  return `(anonymous ${file})`;
}
