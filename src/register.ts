/**
 * Zero-code start: `node --import spanprof/register app.js` or
 * `node --require spanprof/register app.js`. Configured by environment
 * variables alone (see the README's configuration table). A bad variable is
 * reported once and the app runs on unprofiled: a preload must never be the
 * reason a service does not start.
 */
import { isMainThread } from 'node:worker_threads';
import { start } from './api/start';
import { installExitHooks } from './lifecycle/exit-hooks';
import { DEFAULT_STOP_DEADLINE_MS } from './api/handle';

function register(): void {
  // A preload named in NODE_OPTIONS or execArgv runs in every worker thread
  // too; the service is profiled from its main thread.
  if (!isMainThread) return;
  let profiler;
  try {
    profiler = start();
  } catch (err) {
    process.emitWarning(`spanprof: profiling is off: ${err instanceof Error ? err.message : String(err)}`, {
      code: 'SPANPROF_CONFIG',
    });
    return;
  }
  if (!profiler.enabled) return;
  const p = profiler;
  installExitHooks({ shutdown: (deadlineMs) => p.stop(deadlineMs) }, DEFAULT_STOP_DEADLINE_MS);
}

register();
