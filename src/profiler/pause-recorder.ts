import type { ProfiledThreadCost } from '../pprof/profiled-thread-cost';

export interface PauseSummary {
  readonly count: number;
  /** The main thread's time per window, all stretches summed. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Each window's longest single stretch: how long the app's callbacks waited at most. */
  readonly stretchP50Ms: number;
  readonly stretchMaxMs: number;
}

/**
 * Keeps the last `capacity` windows' pauses (nanoseconds) for a p50/p99/max
 * summary. A window's pause is the sum of every stretch the main thread
 * spent on it: its close, and the encoder's work that comes later. Its
 * longest stretch is kept too: stretches with turns of the event loop
 * between them delay the app by one stretch, not by their sum.
 */
export class PauseRecorder {
  private readonly values: Float64Array;
  private readonly stretches: Float64Array;
  private count = 0;
  private max = 0;
  private maxStretch = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
    this.stretches = new Float64Array(capacity);
  }

  /** A new window's pause, zero until its stretches are added. */
  begin(): ProfiledThreadCost {
    const seq = this.count++;
    this.values[seq % this.values.length] = 0;
    this.stretches[seq % this.values.length] = 0;
    return { add: (ns) => this.addTo(seq, ns) };
  }

  /** A pause in one stretch. */
  add(ns: number): void {
    this.begin().add(ns);
  }

  summary(): PauseSummary {
    const n = Math.min(this.count, this.values.length);
    if (n === 0) return { count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, stretchP50Ms: 0, stretchMaxMs: 0 };
    const at = (values: Float64Array, q: number): number => {
      const sorted = Array.from(values.subarray(0, n)).sort((a, b) => a - b);
      return sorted[Math.min(n - 1, Math.floor(q * n))] / 1e6;
    };
    return {
      count: this.count,
      p50Ms: at(this.values, 0.5),
      p99Ms: at(this.values, 0.99),
      maxMs: this.max / 1e6,
      stretchP50Ms: at(this.stretches, 0.5),
      stretchMaxMs: this.maxStretch / 1e6,
    };
  }

  private addTo(seq: number, ns: number): void {
    // Work that comes after its slot was reused by newer windows is not counted.
    if (this.count - seq > this.values.length || !(ns > 0)) return;
    const i = seq % this.values.length;
    this.values[i] += ns;
    if (this.values[i] > this.max) this.max = this.values[i];
    if (ns > this.stretches[i]) this.stretches[i] = ns;
    if (ns > this.maxStretch) this.maxStretch = ns;
  }
}
