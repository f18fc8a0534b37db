const said = new Set<string>();

/** Prints a warning to stderr once per process, however often it is asked. */
export function warnOnce(message: string): void {
  if (said.has(message)) return;
  said.add(message);
  process.emitWarning(message, { code: 'SPANPROF_DISABLED' });
}
