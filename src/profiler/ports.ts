import type { SlotLabelSource } from '../otel/slot-label-source';
import type { ProfileWindow } from '../profile/window';
import type { MainThreadCost } from '../pprof/main-thread-cost';

export type { SlotLabelSource };

/** Takes closed windows away: encodes and exports them. Must not throw. */
export interface WindowSink {
  /** `pause` takes the main-thread time the sink spends on the window later on. */
  consume(window: ProfileWindow, pause?: MainThreadCost): void;
  /** Waits until every consumed window has been handed on, or the deadline passes. */
  flush(deadlineMs: number): Promise<void>;
  shutdown(deadlineMs: number): Promise<void>;
}

/** A source with no spans: every sample is unlabelled. */
export const NO_LABELS: SlotLabelSource = {
  labelsFor: () => new Map(),
  windowClosed: () => {},
  stats: () => ({ live: 0, capacity: 0, overflows: 0 }),
};
