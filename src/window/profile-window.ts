import type { RawWindow } from '../native/types';

/** One custom label: a key and its value, as it goes into pprof. */
export type LabelPair = readonly [key: string, value: string];

/** Labels one sample carries in pprof. Values follow Pyroscope's contract. */
export interface SpanLabels {
  /** 16 lowercase hex chars. */
  readonly spanId?: string;
  /** 32 lowercase hex chars. */
  readonly traceId?: string;
  /** Only when span-name labels are on: it becomes a series label in Pyroscope. */
  readonly spanName?: string;
  /** Custom labels (withLabels), checked when they were set; sorted by key. */
  readonly custom?: readonly LabelPair[];
}

/** Counters a window carries so that nothing is dropped silently. */
export interface WindowCounters {
  /** Ticks the signal handler took in this window. */
  readonly ticks: number;
  /** Ticks lost because the native ring was full. */
  readonly droppedTicks: number;
  /** V8 samples with no tick, and ticks with no V8 sample. */
  readonly unmatchedSamples: number;
  readonly unmatchedTicks: number;
  /** V8 samples taken without a signal (at a deoptimization): left out, not lost. */
  readonly untimedSamples: number;
  /** Samples whose slot no longer had labels (slot table overflow or retired). */
  readonly unlabelledSamples: number;
}

/**
 * One closed sampling window, ready to encode: V8's samples with their slots,
 * and the labels of every slot those samples reference, captured when the
 * window closed so later slot reuse cannot change them.
 */
export interface ProfileWindow {
  readonly raw: RawWindow;
  /** Wall-clock bounds, Unix epoch nanoseconds. */
  readonly startEpochNs: bigint;
  readonly endEpochNs: bigint;
  /** The sampling interval the window was taken at: the profiles' period. */
  readonly periodNs: number;
  /** slot id → labels; slot 0 and unknown slots carry none. */
  readonly labels: ReadonlyMap<number, SpanLabels>;
  readonly counters: WindowCounters;
}
