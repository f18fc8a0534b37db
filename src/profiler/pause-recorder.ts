import type { ProfiledThreadCost } from '../pprof/profiled-thread-cost';

export interface PauseSummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * Keeps the last `capacity` window pauses (nanoseconds) for a p50/p99/max
 * summary. A window's pause is the sum of every stretch the main thread
 * spent on it: its close, and the encoder's work that comes later.
 */
export class PauseRecorder {
  private readonly values: Float64Array;
  private count = 0;
  private max = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  /** A new window's pause, zero until its stretches are added. */
  begin(): ProfiledThreadCost {
    const seq = this.count++;
    this.values[seq % this.values.length] = 0;
    return { add: (ns) => this.addTo(seq, ns) };
  }

  /** A pause in one stretch. */
  add(ns: number): void {
    this.begin().add(ns);
  }

  summary(): PauseSummary {
    const n = Math.min(this.count, this.values.length);
    if (n === 0) return { count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
    const sorted = Array.from(this.values.subarray(0, n)).sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(n - 1, Math.floor(q * n))] / 1e6;
    return { count: this.count, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: this.max / 1e6 };
  }

  private addTo(seq: number, ns: number): void {
    // Work that comes after its slot was reused by newer windows is not counted.
    if (this.count - seq > this.values.length || !(ns > 0)) return;
    const i = seq % this.values.length;
    this.values[i] += ns;
    if (this.values[i] > this.max) this.max = this.values[i];
  }
}
