'use strict';
// spanprof's sampler and exporter with no OpenTelemetry tracking: what the
// span labels cost is the difference from the default setup.
const path = require('node:path');
const { dist } = require('../lib/paths');
const {
  loadNative,
  SpanProfiler,
  ExportingSink,
  UNLABELLED_SOURCE,
  resolveConfig,
  createExporter,
  createLogger,
} = require(path.join(dist, 'internal'));
const { WindowLog } = require('./window-log');
const { timeWindows, onEncoded, withOwnPause } = require('./spanprof-windows');

module.exports = {
  create({ windowMs, outputDir }) {
    const log = new WindowLog();
    timeWindows(log);
    let profiler;
    return {
      spanProcessors: [],
      start() {
        const native = loadNative();
        if (!native.ok) throw new Error(native.reason);
        const config = resolveConfig({ serviceName: 'bench', outputDir, logLevel: 'error' });
        const logger = createLogger(config);
        const exporter = createExporter(config, logger);
        const sink = new ExportingSink({ exporter, logger, wall: false, onEncoded: onEncoded(log) });
        profiler = new SpanProfiler(native.binding, { windowMs, labels: UNLABELLED_SOURCE, sink });
        profiler.start();
      },
      rotateNow: () => profiler.flush(5000),
      resetWindows: () => log.reset(),
      windows: () => withOwnPause(log.summary(), profiler.stats().pause),
      stop: () => profiler.stop(5000),
    };
  },
};
