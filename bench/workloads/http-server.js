'use strict';
// The service under load: node:http on 127.0.0.1, one span per request.
// The load client brackets its measured interval with /_bench/begin and
// /_bench/end; the server answers /_bench/end with its own figures: process
// CPU (all threads, and by thread), event-loop utilization and requests
// served in the interval, peak RSS, and the profiler's per-window costs.
// /_bench/rotate closes a window during the warm-up; /_bench/exit stops the
// profiler and exits.
const http = require('node:http');
const v8 = require('node:v8');
const { parseArgs, startProfiled, peakRssMiB, newSpaceMiB, cpuUs } = require('../lib/child-setup');
const { handler } = require('./handlers');
const { threadCpu, threadCpuDeltaMs } = require('../lib/thread-cpu');

const args = parseArgs();
const { profiler, tracer, finish } = startProfiled(args);
const work = handler(args.kind, tracer, profiler.around);

let served = 0;
let mark;
// The largest young generation V8 committed: the part of peak RSS it sizes by allocation rate.
let newSpaceMaxMiB = newSpaceMiB();
// When V8 resized it: [seconds since start, MiB].
const newSpaceSteps = [[0, newSpaceMaxMiB]];
const started = performance.now();
setInterval(() => {
  const now = newSpaceMiB();
  newSpaceMaxMiB = Math.max(newSpaceMaxMiB, now);
  if (now !== newSpaceSteps[newSpaceSteps.length - 1][1]) newSpaceSteps.push([Math.round((performance.now() - started) / 100) / 10, now]);
}, 250).unref();

/** A full GC without starting Node with --expose-gc. */
function fullGc() {
  v8.setFlagsFromString('--expose-gc');
  require('node:vm').runInNewContext('gc')();
}

/** Where the memory is at the end of a round, MiB: what peak RSS is made of. */
function memoryNow() {
  const mib = (b) => Math.round((b / 1048576) * 10) / 10;
  const out = { rss: mib(process.memoryUsage.rss()) };
  const spaces = v8.getHeapSpaceStatistics();
  for (const s of spaces) out[s.space_name] = mib(s.space_size);
  // Committed old space holds garbage a full GC has not yet taken; `used` and,
  // with `--live-at-end`, what a full GC leaves tell retained from not yet collected.
  out.old_space_used = mib(spaces.find((s) => s.space_name === 'old_space').space_used_size);
  if (args['live-at-end']) {
    fullGc();
    out.old_space_live = mib(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size);
  }
  const { external, arrayBuffers } = process.memoryUsage();
  const h = v8.getHeapStatistics();
  return { ...out, external: mib(external), arrayBuffers: mib(arrayBuffers), malloced: mib(h.malloced_memory) };
}

const server = http.createServer((req, res) => {
  if (req.url === '/work') {
    served++;
    work(req, res);
    return;
  }
  if (req.url === '/_bench/rotate') {
    // One window closed during warm-up, so its one-time costs stay out of the figures.
    profiler.rotateNow().then(() => res.end('{}'));
    return;
  }
  if (req.url === '/_bench/begin') {
    profiler.resetWindows();
    mark = { cpu: process.cpuUsage(), threads: threadCpu(), served, t: process.hrtime.bigint(), elu: performance.eventLoopUtilization() };
    res.end('{}');
    return;
  }
  if (req.url === '/_bench/end') {
    const body = {
      cpuUs: cpuUs(mark.cpu),
      // Where that CPU ran: the main thread, V8's profiler thread, the rest.
      threadsMs: threadCpuDeltaMs(mark.threads, threadCpu()),
      served: served - mark.served,
      wallMs: Number(process.hrtime.bigint() - mark.t) / 1e6,
      // Share of the interval the event loop was busy: how loaded the server was.
      elu: performance.eventLoopUtilization(mark.elu).utilization,
      rssMiB: peakRssMiB(),
      newSpaceMaxMiB: Math.max(newSpaceMaxMiB, newSpaceMiB()),
      newSpaceSteps,
      memory: memoryNow(),
      windows: profiler.windows(),
    };
    res.end(JSON.stringify(body));
    return;
  }
  if (req.url === '/_bench/exit') {
    res.end('{}', () => {
      server.close();
      server.closeAllConnections();
      finish().then(
        () => process.exit(0),
        (err) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: true, port: server.address().port }));
});
