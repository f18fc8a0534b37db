/**
 * What the hooks drive: a last flush. Stopping the sampler on 'exit' is the
 * sampler's own job (ThreadSampler), so nothing here repeats it.
 */
export interface ExitTarget {
  /** Flushes and stops within the deadline; never rejects. */
  shutdown(deadlineMs: number): Promise<void>;
}

export interface ExitHooks {
  remove(): void;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Flushes on SIGTERM, SIGINT and beforeExit without changing how the app
 * exits. A signal listener replaces Node's default of dying by that signal,
 * so when ours is the only listener, it re-raises the signal after the flush
 * and the process ends exactly as it would have. When the app has its own
 * listeners, they decide, and ours only flushes alongside.
 */
export function installExitHooks(target: ExitTarget, deadlineMs: number): ExitHooks {
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    shuttingDown ??= target.shutdown(deadlineMs).catch(() => {});
    return shuttingDown;
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    const othersListen = process.listenerCount(signal) > 1;
    void shutdown().then(() => {
      if (othersListen) return;
      remove();
      process.kill(process.pid, signal);
    });
  };
  // beforeExit fires again whenever the loop empties; one flush is enough.
  const onBeforeExit = (): void => {
    void shutdown();
  };

  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('beforeExit', onBeforeExit);

  function remove(): void {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
  }
  return { remove };
}
