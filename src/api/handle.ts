import type { SpanprofConfig } from '../config/types';
import type { ExporterStats } from '../export/exporter';
import type { LabelSetStats } from '../labels/label-budget';
import type { SpanProfilerStats } from '../profiler/span-profiler';

/** What a running (or disabled) spanprof reports about itself. */
export interface SpanprofStats {
  readonly profiler?: SpanProfilerStats;
  readonly exporter?: ExporterStats;
  /** Windows that could not be encoded. */
  readonly encodeFailures: number;
  readonly slots?: Readonly<Record<string, number>>;
  /** Custom label sets entered, and those left out over the per-window bound. */
  readonly labels?: LabelSetStats;
}

/** The handle `start()` returns. */
export interface Spanprof {
  /** False when profiling is off (by configuration, or with no native binary). */
  readonly enabled: boolean;
  /** Why it is off, when it is. */
  readonly disabledReason?: string;
  readonly config?: SpanprofConfig;
  /** Closes the current window now and waits until it is written or sent. */
  flush(deadlineMs?: number): Promise<void>;
  /** Stops sampling and tracking, flushes, and releases everything. Idempotent. */
  stop(deadlineMs?: number): Promise<void>;
  stats(): SpanprofStats;
}

export const DEFAULT_STOP_DEADLINE_MS = 5000;

/** The handle of a profiler that does nothing. */
export function disabledHandle(reason: string, config?: SpanprofConfig): Spanprof {
  return {
    enabled: false,
    disabledReason: reason,
    config,
    flush: async () => {},
    stop: async () => {},
    stats: () => ({ encodeFailures: 0 }),
  };
}
