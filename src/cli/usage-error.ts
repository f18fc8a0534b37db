/** A mistake in how the command was called: exit code 2, with usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command ran and failed (missing data, I/O): exit code 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
