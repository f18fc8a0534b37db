import type { Logger } from '../log/logger';
import type { ExitReport } from '../profiler/ports';

/**
 * Time allowed for the last windows at exit. One window's encode and write
 * takes milliseconds; this bounds a queue that had fallen behind, so that
 * an exiting process is never held for long.
 */
export const EXIT_BUDGET_MS = 1000;

export interface ExitFinish {
  remove(): void;
}

/**
 * When the process reaches 'exit' (process.exit() from anywhere, or the loop
 * ending), nothing asynchronous runs again: an app whose own SIGTERM handler
 * exits at once would lose the window a flush had started on. This listener
 * finishes it with synchronous calls. It is prepended so that it runs before
 * the sampler's own 'exit' listener (ThreadSampler stops sampling there),
 * whatever the order they were installed in. Nothing thrown leaves it.
 */
export function installExitFinish(finish: () => void): ExitFinish {
  let done = false;
  const onExit = (): void => {
    if (done) return;
    done = true;
    try {
      finish();
    } catch {
      // The process is exiting with the app's code; nothing here may change that.
    }
  };
  process.prependListener('exit', onExit);
  return { remove: () => process.removeListener('exit', onExit) };
}

/**
 * One line per output that missed windows at exit; what was written is
 * noted at debug level. `uploadsTo` names the server windows were meant for.
 */
export function reportExit(logger: Logger, report: ExitReport | undefined, uploadsTo = 'the profile server'): void {
  if (!report) return;
  if (report.written > 0) {
    logger.debug(`wrote ${report.written} profile window(s) to ${report.directory ?? '?'} as the process exited`);
  }
  if (report.notWritten > 0) {
    const timeNote =
      report.outOfTime > 0 ? `${report.outOfTime} left after ${EXIT_BUDGET_MS} ms, the time allowed at exit` : '';
    const why = [report.error, timeNote].filter((s) => s).join('; ');
    logger.error(
      `could not write ${report.notWritten} profile window(s) to ${report.directory ?? '?'} ` +
        `(SPANPROF_OUTPUT_DIR) as the process exited: ${why}`,
    );
  }
  if (report.notUploaded > 0) {
    logger.warn(
      `${report.notUploaded} profile window(s) not delivered to ${uploadsTo}: ` +
        'the process exited before they could be sent (uploads cannot run during exit)',
    );
  }
}
