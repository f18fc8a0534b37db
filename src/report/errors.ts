/**
 * Why a report or a table could not be made. The CLI maps `code` to its exit
 * status and prints `message`, so every message names the directory or the
 * value that was wrong and says what was expected.
 */
export type ReportErrorCode =
  /** The profile directory does not exist. */
  | 'missing-directory'
  /** The path exists but is not a directory. */
  | 'not-a-directory'
  /** The directory holds no `*.pb.gz` file. */
  | 'empty-directory'
  /** Every `*.pb.gz` file in the directory failed to decode. */
  | 'all-corrupt'
  /** Profiles were read, but none of them is a CPU profile. */
  | 'no-cpu-profiles'
  /** `--span` named a span id that no sample carries. */
  | 'span-not-found'
  /** `--name` named a span name that no sample carries. */
  | 'name-not-found'
  /** `--label` named a custom label that no sample carries. */
  | 'label-not-found'
  /** A selection that cannot be made, such as a span id and a name at once. */
  | 'bad-selection'
  /** The directory could not be read, or the report could not be written. */
  | 'io-error';

export class ReportError extends Error {
  override readonly name = 'ReportError';

  constructor(
    readonly code: ReportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isReportError(value: unknown): value is ReportError {
  return value instanceof ReportError;
}
