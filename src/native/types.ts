/**
 * The one typed surface between TypeScript and the native sampler. Nothing
 * else in `src/` touches the addon.
 */

/** What a stack node is, as the native side classifies it. */
export const enum NodeKind {
  Js = 0,
  Root = 1,
  /** V8 was running outside JavaScript (compiler, runtime, native code). */
  Program = 2,
  /** The event loop was waiting: no span, no CPU. */
  Idle = 3,
  Gc = 4,
}

/** Indexes into the shared Int32Array. */
export const enum SharedIndex {
  /** Written by TypeScript: the span-label slot of the running code. */
  Slot = 0,
  /** Written by the signal handler: ticks taken, wrapping at 2^31. */
  Ticks = 1,
  /** Ticks dropped because the ring was full. */
  Dropped = 2,
  /**
   * Written by the sampler: the value (1 or 2) each tick of the open window
   * writes in the marks at its slot (see NativeSampler.markSlots). It flips
   * as each window closes.
   */
  Generation = 3,
}

/** V8's call tree for one window, as parallel arrays indexed by node. */
export interface RawNodeTable {
  /** Index of the parent node; -1 for the root. */
  readonly parent: Int32Array;
  /** Index into `strings`. */
  readonly name: Int32Array;
  /** Index into `strings`: the script URL or path, '' for none. */
  readonly url: Int32Array;
  /** 1-based line where the function starts; 0 if unknown. */
  readonly line: Int32Array;
  /** 1-based column where the function starts; 0 if unknown. */
  readonly column: Int32Array;
  readonly kind: Uint8Array;
}

/** One entry per V8 sample that matched a tick of the signal handler. */
export interface RawSamples {
  /** Index into the node table: the leaf frame. */
  readonly node: Int32Array;
  /** Monotonic microseconds, V8's clock. */
  readonly timeUs: Float64Array;
  /** Span-label slot published when the tick fired. */
  readonly slot: Int32Array;
  /** Thread CPU time since the previous sample. */
  readonly cpuNs: Float64Array;
  /** Monotonic time since the previous sample. */
  readonly wallNs: Float64Array;
}

export interface RawWindowStats {
  /** Samples V8 recorded in the window. */
  readonly v8Samples: number;
  /** V8 samples with no tick record; they are not in `samples`. */
  readonly unmatchedSamples: number;
  /**
   * V8 samples taken without a signal (at a deoptimization) between two
   * consecutive ticks: no span and no time to give them, so not in
   * `samples`, yet no signal's sample was lost. Not in `unmatchedSamples`.
   */
  readonly untimedSamples: number;
  /** Ticks that no V8 sample claimed; their time passes to the next sample. */
  readonly unmatchedTicks: number;
  /** Main-thread time to start the next profile and stop this one. */
  readonly rotateNs: number;
  /** Main-thread time to turn V8's profile into these arrays. */
  readonly translateNs: number;
  /** V8's event processor was stuck and the profiler was restarted. */
  readonly recovered: boolean;
  /** Restarts since the sampler was created. */
  readonly recoveries: number;
  /**
   * Another SIGPROF user had put its handler in place of ours (V8 sampled,
   * we saw no tick), and ours was chained in front again. This window's
   * samples up to then are in `unmatchedSamples`.
   */
  readonly rechained: boolean;
  /** Such re-chains since the sampler was created. */
  readonly rechains: number;
}

export interface RawWindow {
  /** Monotonic microseconds (V8's clock) at the start and end of the window. */
  readonly startUs: number;
  readonly endUs: number;
  readonly nodes: RawNodeTable;
  readonly strings: readonly string[];
  readonly samples: RawSamples;
  readonly stats: RawWindowStats;
}

/** The native side's reader of the slot kept in the async context frame (the sampler). */
export interface FrameSlotReader {
  /** Starts reading `key`'s store in each tick; null stops. False where this build or V8 cannot. */
  readFrames(key: object | null): boolean;
  /** The slot the signal handler would record right now. */
  frameSlot(): number;
}

/** The native class, one per isolate. */
export interface NativeSampler {
  /** Shared memory: see SharedIndex. */
  readonly shared: ArrayBuffer;
  readonly running: boolean;
  start(): void;
  /** Ends the current window, starts the next one, and returns the ended one. */
  collect(): RawWindow;
  /** Idempotent. */
  stop(): void;
  /**
   * From now on each tick takes its slot from `key`'s store in the async
   * context frame of the running code (a one-element array holding the
   * slot), not from the shared cell; null goes back to the cell. False where
   * this build or V8 cannot read frames (Node 20, pointer compression).
   */
  readFrames(key: object | null): boolean;
  /** The slot the signal handler would record right now, read from the frame; 0 when none. */
  frameSlot(): number;
  /**
   * From now on each tick writes the current generation (SharedIndex.Generation)
   * at `marks[slot]` for the slot it takes, when the slot is inside the
   * array; null stops. The sampler keeps the array alive while it uses it.
   */
  markSlots(marks: Uint8Array | null): void;
}

/** The indexes and codes both sides use, as the addon reports them (checked at load). */
export interface NativeLayout {
  readonly shared: {
    readonly slot: number;
    readonly ticks: number;
    readonly dropped: number;
    readonly generation: number;
    readonly length: number;
  };
  readonly nodeKinds: {
    readonly js: number;
    readonly root: number;
    readonly program: number;
    readonly idle: number;
    readonly gc: number;
  };
}

export interface NativeBinding {
  /** NODE_MODULE_VERSION the binary was compiled for. */
  readonly abi: number;
  readonly layout: NativeLayout;
  Sampler: new (intervalMicros: number) => NativeSampler;
  /** CLOCK_MONOTONIC in microseconds, as V8 timestamps samples. */
  monotonicNowUs(): number;
  /** CPU time of the calling thread. */
  threadCpuNs(): number;
}
