import type { ProfiledThreadCost } from './profiled-thread-cost';

/**
 * Cuts work on the profiled thread into stretches of about `budgetMs`, with
 * a turn of the event loop between them: a window's encode then delays the
 * app's callbacks by one stretch at most, however large or cold (not yet
 * optimized by V8) its code is. Each stretch's duration goes to `cost`.
 */
export class ThreadSlicer {
  private readonly budgetNs: bigint | undefined;
  private stretchStart: bigint | undefined;

  /** `budgetMs` undefined: one stretch, never yields. */
  constructor(
    budgetMs: number | undefined,
    private readonly cost?: ProfiledThreadCost,
  ) {
    this.budgetNs = budgetMs === undefined ? undefined : BigInt(Math.max(1, Math.round(budgetMs * 1e6)));
  }

  /** Whether this slicer ever yields. */
  get slices(): boolean {
    return this.budgetNs !== undefined;
  }

  /** Starts a stretch, after a turn of the event loop when slicing (the caller may be finishing one). */
  async begin(): Promise<void> {
    if (this.slices) await nextTurn();
    this.startStretch();
  }

  /** Whether the stretch has used its budget (then `await next()`): one clock read. */
  get due(): boolean {
    if (this.budgetNs === undefined || this.stretchStart === undefined) return false;
    return process.hrtime.bigint() - this.stretchStart >= this.budgetNs;
  }

  /** Ends the stretch and starts the next after a turn of the event loop. */
  async next(): Promise<void> {
    this.end();
    await nextTurn();
    this.startStretch();
  }

  private startStretch(): void {
    this.stretchStart = process.hrtime.bigint();
  }

  /** Ends the current stretch; `begin` starts another. */
  end(): void {
    if (this.stretchStart === undefined) return;
    this.cost?.add(Number(process.hrtime.bigint() - this.stretchStart));
    this.stretchStart = undefined;
  }
}

/** setImmediate runs after the poll phase: I/O waiting meanwhile is served first. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
