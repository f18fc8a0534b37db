import type { SlotLabelSource } from '../slots/slot-label-source';
import type { ProfileWindow } from '../window/profile-window';
import type { ProfiledThreadCost } from '../pprof/profiled-thread-cost';

export type { SlotLabelSource };

/** What became of the windows still unwritten when the process exited. */
export interface ExitReport {
  /** Windows written to the output directory during exit. */
  readonly written: number;
  /** Windows the output directory could not take: write errors, encode errors, time. */
  readonly notWritten: number;
  /** The first write or encode error, if any. */
  readonly error?: string;
  /** Of `notWritten`, those left because the time allowed at exit ran out. */
  readonly outOfTime: number;
  /** The output directory, when there is one. */
  readonly directory?: string;
  /** Windows for a server: an upload cannot run once the process is exiting. */
  readonly notUploaded: number;
}

/** Takes closed windows away: encodes and exports them. Must not throw. */
export interface WindowSink {
  /** `pause` takes the main-thread time the sink spends on the window later on. */
  consume(window: ProfileWindow, pause?: ProfiledThreadCost): void;
  /** Waits until every consumed window has been handed on, or the deadline passes. */
  flush(deadlineMs: number): Promise<void>;
  shutdown(deadlineMs: number): Promise<void>;
  /**
   * The process is exiting: no callback, worker or timer will run again.
   * Finishes what it can with synchronous calls within about `budgetMs`,
   * counts the rest, and takes no window afterwards. Never throws.
   */
  finishAtExit?(budgetMs: number): ExitReport;
}

/** A source with no spans: every sample is unlabelled. */
export const UNLABELLED_SOURCE: SlotLabelSource = {
  labelsFor: () => new Map(),
  windowClosed: () => {},
  stats: () => ({ live: 0, capacity: 0, overflows: 0 }),
};
