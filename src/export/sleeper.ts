/**
 * Sleeps that can be cut short. The timer is unref'd: a pending retry never
 * keeps the process alive.
 */
export class Sleeper {
  private waking = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waking.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      timer.unref();
      this.waking.add(done);
    });
  }

  /** Ends every sleep now. */
  wake(): void {
    for (const done of [...this.waking]) done();
  }
}
