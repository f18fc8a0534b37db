import type { EncodedWindow } from '../pprof/encoded-window';
import type { ProfileExporter } from './exporter';

/** The windows not yet given to the exporter when the process exits. */
export interface ExitWindows {
  readonly count: number;
  /**
   * The windows encoded on this thread, within the time allowed: encoding
   * happens the first time an output asks, and later calls get the same.
   */
  encoded(): readonly EncodedWindow[];
}

/** What an exporter did with its windows as the process exited. */
export interface ExitDelivery {
  /** Windows written with synchronous calls. */
  readonly written: number;
  /** Windows that could not be written; `error` says why (the first). */
  readonly failed: number;
  readonly error?: string;
  /** Windows left because the time allowed at exit ran out. */
  readonly outOfTime: number;
  /** Where windows were written, when an output writes at exit. */
  readonly directory?: string;
  /** Windows this output cannot deliver during exit: an upload needs the event loop. */
  readonly undelivered: number;
}

/**
 * Asks the exporter to finish at exit. An exporter that cannot deliver
 * during exit (it has no `finishAtExit`) leaves its pending windows and
 * `windows` undelivered, counted.
 */
export function finishExporterAtExit(exporter: ProfileExporter, windows: ExitWindows, budgetMs: number): ExitDelivery {
  if (exporter.finishAtExit) return exporter.finishAtExit(windows, budgetMs);
  let pending = 0;
  try {
    pending = exporter.stats().pending;
  } catch {
    // Counting must not fail the exit.
  }
  return { written: 0, failed: 0, outOfTime: 0, undelivered: pending + windows.count };
}
