export interface PauseSummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Keeps the last `capacity` pauses (nanoseconds) for a p50/p99/max summary. */
export class PauseRecorder {
  private readonly values: Float64Array;
  private count = 0;
  private max = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  add(ns: number): void {
    this.values[this.count % this.values.length] = ns;
    this.count++;
    if (ns > this.max) this.max = ns;
  }

  summary(): PauseSummary {
    const n = Math.min(this.count, this.values.length);
    if (n === 0) return { count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
    const sorted = Array.from(this.values.subarray(0, n)).sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(n - 1, Math.floor(q * n))] / 1e6;
    return { count: this.count, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: this.max / 1e6 };
  }
}
