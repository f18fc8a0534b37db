import type { EncodedWindow } from '../pprof/encoded-window';
import type { ExitDelivery, ExitWindows } from './exit-delivery';

/** Counts, in windows, since the exporter was created. */
export interface ExporterStats {
  /** Windows delivered whole. */
  readonly sent: number;
  /** Windows given up on: the destination refused them or could not take them. */
  readonly failed: number;
  /** Windows dropped unsent: queue full, or still queued at shutdown. */
  readonly dropped: number;
  /** Retried attempts (not windows): one per retry of one request. */
  readonly retried: number;
  /** Windows waiting or in progress now, and their bytes. */
  readonly pending: number;
  readonly pendingBytes: number;
}

/**
 * Where encoded windows go. No method throws or rejects: an exporter counts
 * and logs what goes wrong and lets the app run on.
 */
export interface ProfileExporter {
  /** Queues a window and returns at once. */
  export(window: EncodedWindow): void;
  /**
   * Resolves when every queued window is delivered or given up on (true), or
   * when `deadlineMs` milliseconds have passed (false).
   */
  flush(deadlineMs: number): Promise<boolean>;
  /**
   * Delivers what it can within `deadlineMs` milliseconds, then cancels the
   * rest (counted as dropped) and releases sockets and files. Later windows
   * are dropped. Idempotent.
   */
  shutdown(deadlineMs: number): Promise<void>;
  stats(): ExporterStats;
  /**
   * Called once as the process exits, when no callback runs again. An output
   * that can deliver with synchronous calls (a directory) delivers what it
   * holds and `windows` within `budgetMs`, and takes nothing afterwards.
   * Outputs that cannot leave it out. Never throws.
   */
  finishAtExit?(windows: ExitWindows, budgetMs: number): ExitDelivery;
}
