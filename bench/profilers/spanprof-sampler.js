'use strict';
// spanprof's sampler and exporter with no OpenTelemetry tracking: what the
// span labels cost is the difference from the default setup.
const path = require('node:path');
const { dist } = require('../lib/paths');
const { loadNative } = require(path.join(dist, 'native', 'load'));
const { SpanProfiler } = require(path.join(dist, 'profiler', 'span-profiler'));
const { ExportingSink } = require(path.join(dist, 'profiler', 'exporting-sink'));
const { NO_LABELS } = require(path.join(dist, 'profiler', 'ports'));
const { resolveConfig } = require(path.join(dist, 'config', 'resolve-config'));
const { createExporter, createLogger } = require(path.join(dist, 'export', 'from-config'));
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
        profiler = new SpanProfiler(native.binding, { windowMs, labels: NO_LABELS, sink });
        profiler.start();
      },
      rotateNow: () => profiler.flush(5000),
      resetWindows: () => log.reset(),
      windows: () => withOwnPause(log.summary(), profiler.stats().pause),
      stop: () => profiler.stop(5000),
    };
  },
};
