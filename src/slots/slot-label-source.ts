import type { SpanLabels } from '../window/profile-window';

/** Counters of a slot table; every value is a plain number. */
export interface SlotStats {
  /** Slots held by a label set right now. */
  readonly live: number;
  /** Most slots that can be lent at once. */
  readonly capacity: number;
  /** Slot requests refused because the table was full; those samples carry no span. */
  readonly overflows: number;
  readonly [counter: string]: number;
}

/**
 * Where the profiler gets the labels of the slots its samples carry. For
 * each closed window the profiler calls `labelsFor` then `windowClosed`, in
 * the same synchronous turn as the `collect()` that closed it (no await, no
 * context switch in between): ids free at a boundary are reused at once.
 */
export interface SlotLabelSource {
  /**
   * Labels of these slots as they are now; called on the JS thread right
   * after a window closes. Zeros (no span) and repeats are allowed: the
   * window's own per-sample slots are passed as they are.
   */
  labelsFor(slots: ArrayLike<number>): Map<number, SpanLabels>;
  /** Called after labelsFor for each closed window: slots retired before this call may now be reused. */
  windowClosed(): void;
  /** Counters: live slots, capacity, overflows, etc. */
  stats(): SlotStats;
}
