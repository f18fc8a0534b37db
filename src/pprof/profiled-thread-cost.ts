/**
 * Receives the profiled thread's time spent on one window after the window
 * closed: an encoder's share of the window's pause.
 */
export interface ProfiledThreadCost {
  add(ns: number): void;
}

/** Runs `fn` and adds its duration to `cost`. */
export function timed<T>(cost: ProfiledThreadCost | undefined, fn: () => T): T {
  if (cost === undefined) return fn();
  const t0 = process.hrtime.bigint();
  try {
    return fn();
  } finally {
    cost.add(Number(process.hrtime.bigint() - t0));
  }
}
