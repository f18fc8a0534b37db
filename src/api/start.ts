import { formatBytes } from '../config/parse-values';
import { resolveConfig } from '../config/resolve-config';
import type { SpanprofConfig, SpanprofOptions } from '../config/types';
import { createExporter, createLogger } from './create-exporter';
import type { Logger } from '../log/logger';
import { LabelSetBudget } from '../labels/label-budget';
import { useLabelSetBudget } from '../labels/label-context';
import { EXIT_BUDGET_MS, installExitFinish, reportExit } from '../lifecycle/exit-finish';
import { loadNative } from '../native/load';
import { SharedIndex } from '../native/types';
import { ContextTracker } from '../context/context-tracker';
import { resolveLabelOptions } from '../otel/label-options';
import { SlotTable } from '../slots/slot-table';
import { spanRegistry } from '../otel/span-registry';
import type { EncodedWindow } from '../pprof/encoded-window';
import { ExportingSink } from '../profiler/exporting-sink';
import { SpanProfiler } from '../profiler/span-profiler';
import { createFrameMapper } from '../sourcemap/create-frame-mapper';
import { DEFAULT_STOP_DEADLINE_MS, disabledHandle, type Spanprof } from './handle';
import { checkContextManagerLater } from './context-manager-check';
import { warnOnce } from './warn-once';

export interface StartOptions extends SpanprofOptions {
  /** Sees every encoded window as it is handed to the exporter. */
  readonly onWindow?: (window: EncodedWindow) => void;
  /** Window length in milliseconds, overriding `windowSeconds`: for tests and tools. */
  readonly windowMs?: number;
}

let running: Spanprof | undefined;

/** When to look for a context manager: two windows after start, within these bounds. */
const CONTEXT_CHECK_MIN_MS = 1000;
const CONTEXT_CHECK_MAX_MS = 20_000;

/**
 * Starts profiling the calling thread with span labels, configured from
 * `options` and the environment (options win). Throws a ConfigError for a
 * bad option or variable. With no native binary for this platform or Node,
 * warns once and returns a handle that does nothing.
 */
export function start(options: StartOptions = {}): Spanprof {
  if (running) {
    throw new Error('spanprof is already started in this thread; stop() it before starting again');
  }
  const { onWindow, windowMs, ...settings } = options;
  const config = resolveConfig(settings);
  if (!config.enabled) return disabledHandle(`disabled by ${config.disabledBy ?? 'configuration'}`, config);
  const native = loadNative();
  if (!native.ok) {
    warnOnce(`spanprof: profiling is off: ${native.reason}`);
    return disabledHandle(native.reason, config);
  }
  const logger = createLogger(config);
  for (const w of config.warnings) logger.warn(w);
  const exporter = createExporter(config, logger);
  if (!exporter) return disabledHandle('no destination configured', config);

  const slots = new SlotTable({ traceIds: config.traceIdLabel });
  const frames = createFrameMapper({ enabled: config.sourceMaps, logger });
  const sink = new ExportingSink({ exporter, logger, wall: config.wall, frames, onEncoded: onWindow });
  const profiler = new SpanProfiler(native.binding, {
    windowMs: windowMs ?? config.windowMs,
    labels: slots,
    sink,
    onError: (err) => logger.error(`a profile window was lost: ${String(err)}`),
    onRechain: (total) => {
      const message =
        'another SIGPROF user (a second CPU profiler) had replaced spanprof\'s signal handler; ' +
        `spanprof chained itself in front again (${total} time(s) so far). Samples taken meanwhile ` +
        'are counted as unmatched, not labelled.';
      if (total === 1) logger.warn(message);
      else logger.debug(message);
    },
  });
  // Spans started by tracers spanprof does not wrap are labelled with the
  // configured scopes too: this is what makes the zero-code start work.
  const adoptOptions = resolveLabelOptions({ spanIdScope: config.spanIdScope, spanNameScope: config.spanNameScope });
  const tracker = new ContextTracker({ slots, adoptOptions });
  const labelSets = new LabelSetBudget(config.maxLabelSets, (message) => logger.warn(message));
  const stopCountingLabelSets = slots.onWindowClosed(() => labelSets.windowClosed());
  useLabelSetBudget(labelSets);
  // Runs before the sampler's own exit listener, which stops sampling (see installExitFinish).
  const exitFinish = installExitFinish(() =>
    reportExit(logger, profiler.finishAtExit(EXIT_BUDGET_MS), config.pyroscope?.target.serverAddress),
  );
  // Before the sampler starts, so that every tick marks its slot.
  const stopFollowingSamples = slots.followSamples(profiler.sampleMarker);
  try {
    // Before the sampler starts: under `frame-slot` the reader's self-test runs here.
    tracker.enable(profiler.slotView, SharedIndex.Slot, profiler.frameReader);
    profiler.start();
  } catch (err) {
    tracker.disable();
    stopFollowingSamples();
    useLabelSetBudget(undefined);
    exitFinish.remove();
    throw err;
  }
  logStart(logger, config, windowMs ?? config.windowMs);
  const cancelContextCheck = checkContextManagerLater(
    logger,
    spanRegistry,
    Math.min(CONTEXT_CHECK_MAX_MS, Math.max(CONTEXT_CHECK_MIN_MS, 2 * (windowMs ?? config.windowMs))),
  );

  let stopped: Promise<void> | undefined;
  const handle: Spanprof = {
    enabled: true,
    config,
    flush: (deadlineMs = DEFAULT_STOP_DEADLINE_MS) => profiler.flush(deadlineMs),
    stop(deadlineMs = DEFAULT_STOP_DEADLINE_MS) {
      stopped ??= (async () => {
        cancelContextCheck();
        tracker.disable();
        useLabelSetBudget(undefined);
        stopCountingLabelSets();
        await profiler.stop(deadlineMs);
        // The sampler has stopped: no tick can take a slot any more.
        stopFollowingSamples();
        // Stopped and flushed: nothing is left for the exit.
        exitFinish.remove();
        if (running === handle) running = undefined;
      })();
      return stopped;
    },
    stats: () => ({
      profiler: profiler.stats(),
      exporter: exporter.stats(),
      encodeFailures: sink.stats().encodeFailures,
      slots: slots.stats(),
      labels: labelSets.stats(),
    }),
  };
  running = handle;
  return handle;
}

/** The running profiler of this thread, if any. */
export function current(): Spanprof | undefined {
  return running;
}

function logStart(logger: Logger, config: SpanprofConfig, windowMs: number): void {
  const where = config.pyroscope
    ? `Pyroscope at ${config.pyroscope.target.serverAddress}`
    : `directory ${config.directory?.path ?? '?'}`;
  logger.debug(
    `profiling service ${config.serviceName} every ${windowMs / 1000} s to ${where}`,
  );
  const dir = config.directory;
  if (dir !== undefined && config.pyroscope === undefined) {
    // Said once, at start: a service may otherwise fill a folder nobody looks at.
    const line =
      `profiles go to ${dir.path} (at most ${formatBytes(dir.maxBytes)} and ${dir.maxWindows} windows, oldest removed first; ` +
      '`npx spanprof report` on it draws them). To upload to Pyroscope instead, set PYROSCOPE_SERVER_ADDRESS.';
    if (dir.byDefault) logger.warn(line);
    else logger.info(line);
  }
}
