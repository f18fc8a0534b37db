import type { NativeBinding, NativeSampler, RawWindow } from '../native/types';
import type { FrameSlotReader } from '../native/types';
import { SharedIndex } from '../native/types';

export interface ThreadSamplerOptions {
  /** Sampling interval. Default 10 000 µs (100 Hz). */
  readonly intervalMicros?: number;
}

export const DEFAULT_INTERVAL_MICROS = 10_000;
const MIN_INTERVAL_MICROS = 1_000;
const MAX_INTERVAL_MICROS = 1_000_000;

/** Running totals the signal handler keeps in shared memory. */
export interface SamplerCounters {
  readonly ticks: number;
  readonly droppedTicks: number;
}

export function validateIntervalMicros(value: unknown): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < MIN_INTERVAL_MICROS ||
    value > MAX_INTERVAL_MICROS
  ) {
    throw new RangeError(
      `intervalMicros must be an integer from ${MIN_INTERVAL_MICROS} to ${MAX_INTERVAL_MICROS} ` +
        `(default ${DEFAULT_INTERVAL_MICROS}); got ${String(value)}`,
    );
  }
  return value;
}

/**
 * The sampler of the calling thread (main thread or a worker). Owns the
 * native sampler, and stops it when the process exits so that V8's sampler
 * thread never signals a thread that is tearing down.
 */
export class ThreadSampler {
  /** Index 0 is the span-label slot of the running code (SharedIndex.Slot). */
  readonly slotView: Int32Array;
  /** Microseconds between samples. */
  readonly intervalMicros: number;
  private readonly native: NativeSampler;
  private readonly onExit = (): void => this.stop();

  constructor(binding: NativeBinding, options: ThreadSamplerOptions = {}) {
    const interval = validateIntervalMicros(options.intervalMicros ?? DEFAULT_INTERVAL_MICROS);
    this.intervalMicros = interval;
    this.native = new binding.Sampler(interval);
    this.slotView = new Int32Array(this.native.shared);
  }

  get running(): boolean {
    return this.native.running;
  }

  /** The native reader of slots kept in the async context frame. */
  get frames(): FrameSlotReader {
    return this.native;
  }

  start(): void {
    this.native.start();
    process.once('exit', this.onExit);
  }

  /** Closes the current window and opens the next. */
  collect(): RawWindow {
    return this.native.collect();
  }

  stop(): void {
    process.removeListener('exit', this.onExit);
    this.native.stop();
    this.slotView[SharedIndex.Slot] = 0;
  }

  /** Has each tick mark its slot in `marks` (see SampleMarker); null stops. */
  markSlots(marks: Uint8Array | null): void {
    this.native.markSlots(marks);
  }

  /** The value ticks of the open window write in the marks. */
  generation(): number {
    return this.slotView[SharedIndex.Generation];
  }

  counters(): SamplerCounters {
    return {
      ticks: this.slotView[SharedIndex.Ticks] >>> 0,
      droppedTicks: this.slotView[SharedIndex.Dropped] >>> 0,
    };
  }
}
