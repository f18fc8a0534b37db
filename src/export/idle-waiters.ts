/**
 * Callers waiting for an exporter to have nothing left to do, each with a
 * deadline. The deadline timer is ref'd on purpose: whoever awaits a flush
 * wants the process kept alive until it ends, and the deadline bounds that.
 */
export class IdleWaiters {
  private readonly waiters = new Set<() => void>();

  constructor(private readonly isIdle: () => boolean) {}

  /** True once idle, false if `deadlineMs` passes first. */
  wait(deadlineMs: number): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (idle: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(onIdle);
        resolve(idle);
      };
      const onIdle = () => done(true);
      const timer = setTimeout(() => done(false), Math.max(0, deadlineMs));
      this.waiters.add(onIdle);
    });
  }

  /** Someone is waiting. */
  get waiting(): boolean {
    return this.waiters.size > 0;
  }

  /** Releases the waiters if idle now. */
  check(): void {
    if (!this.isIdle()) return;
    for (const waiter of [...this.waiters]) waiter();
  }
}
