'use strict';
// node:inspector's CPU profiler at 100 Hz, stopped and started again each
// window; the window is shipped as gzip'd .cpuprofile JSON (it has no pprof
// encoder of its own). The pause is stop + start + JSON serialisation.
const inspector = require('node:inspector');
const { promisify } = require('node:util');
const { gzip } = require('node:zlib');
const { WindowLog, elapsedMs } = require('./window-log');

const gzipAsync = promisify(gzip);

/** Same-thread sessions answer synchronously; this makes that explicit. */
function postSync(session, method, params) {
  let out;
  let failure;
  let answered = false;
  session.post(method, params, (err, result) => {
    answered = true;
    failure = err;
    out = result;
  });
  if (!answered) throw new Error(`${method} did not answer synchronously`);
  if (failure) throw failure;
  return out;
}

module.exports = {
  create({ windowMs }) {
    const log = new WindowLog();
    const session = new inspector.Session();
    let timer;
    function rotate() {
      const mark = log.begin();
      const { profile } = postSync(session, 'Profiler.stop');
      postSync(session, 'Profiler.start');
      const json = JSON.stringify(profile);
      log.end(mark);
      return gzipAsync(json).then((buf) => log.encoded(buf.byteLength, elapsedMs(mark.t)));
    }
    return {
      spanProcessors: [],
      start() {
        session.connect();
        postSync(session, 'Profiler.enable');
        postSync(session, 'Profiler.setSamplingInterval', { interval: 10_000 });
        postSync(session, 'Profiler.start');
        timer = setInterval(rotate, windowMs);
        timer.unref();
      },
      rotateNow: () => rotate(),
      resetWindows: () => log.reset(),
      windows: () => log.summary(),
      async stop() {
        clearInterval(timer);
        postSync(session, 'Profiler.stop');
        session.disconnect();
      },
    };
  },
};
