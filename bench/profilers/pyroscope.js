'use strict';
// @pyroscope/nodejs at its defaults (wall profiler at 100 Hz and the heap
// profiler), except that it flushes every window like the others instead of
// every 60 s, and uploads to the bench's sink on 127.0.0.1. Its collection
// happens inside the package, so the bench times the synchronous part of
// each profiling round (collect and hand-off to the exporter) and sees the
// encoded bytes on their way out.
const path = require('node:path');
const { WindowLog, elapsedMs } = require('./window-log');

const pkgDir = path.dirname(require.resolve('@pyroscope/nodejs'));
const Pyroscope = require('@pyroscope/nodejs');
const { ContinuousProfiler } = require(path.join(pkgDir, 'profilers', 'continuous-profiler.js'));
const { WallProfiler } = require(path.join(pkgDir, 'profilers', 'wall-profiler.js'));
const { PyroscopeApiExporter } = require(path.join(pkgDir, 'pyroscope-api-exporter.js'));
const { getProfiler } = require(path.join(pkgDir, 'utils', 'pyroscope-profiler.js'));

module.exports = {
  create({ windowMs, ingestUrl }) {
    if (!ingestUrl || !/^http:\/\/127\.0\.0\.1:\d+$/.test(ingestUrl)) {
      throw new Error(`pyroscope needs the bench's 127.0.0.1 sink; got ${ingestUrl}`);
    }
    const wall = new WindowLog();
    const heap = new WindowLog();
    const round = ContinuousProfiler.prototype.profilingRound;
    ContinuousProfiler.prototype.profilingRound = function () {
      const log = this.profiler instanceof WallProfiler ? wall : heap;
      const mark = log.begin();
      const done = round.call(this);
      log.end(mark);
      return done;
    };
    const build = PyroscopeApiExporter.prototype.buildUploadProfileBody;
    PyroscopeApiExporter.prototype.buildUploadProfileBody = async function (profile) {
      const t0 = process.hrtime.bigint();
      const body = await build.call(this, profile);
      // The wall profile's sample types are wall time; the heap's are space.
      const isWall = profile.sampleType.some((t) => profile.stringTable.strings[t.type] === 'wall');
      (isWall ? wall : heap).encoded(body.byteLength, elapsedMs(t0));
      return body;
    };
    return {
      spanProcessors: [],
      start() {
        Pyroscope.init({ serverAddress: ingestUrl, appName: 'bench', flushIntervalMs: windowMs });
        Pyroscope.start();
      },
      async rotateNow() {
        const p = getProfiler();
        await Promise.all([p.wallProfiler.profilingRound(), p.heapProfiler.profilingRound()]);
      },
      resetWindows() {
        wall.reset();
        heap.reset();
      },
      windows() {
        const w = wall.summary();
        const h = heap.summary();
        return { ...w, heapPauseP50Ms: h.pauseP50Ms, heapPauseMaxMs: h.pauseMaxMs, heapPauseCpuMaxMs: h.pauseCpuMaxMs, heapGzBytes: h.gzBytes };
      },
      stop: () => Pyroscope.stop(),
    };
  },
};
