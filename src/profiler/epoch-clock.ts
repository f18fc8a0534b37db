/**
 * Maps V8's monotonic microseconds to Unix epoch nanoseconds. The offset is
 * taken once, so a wall-clock step during a run shifts nothing mid-profile.
 */
export class EpochClock {
  private readonly offsetNs: bigint;

  constructor(monotonicNowUs: () => number) {
    const epochNs = BigInt(Date.now()) * 1_000_000n;
    this.offsetNs = epochNs - BigInt(Math.round(monotonicNowUs())) * 1000n;
  }

  toEpochNs(monotonicUs: number): bigint {
    return BigInt(Math.round(monotonicUs)) * 1000n + this.offsetNs;
  }
}
