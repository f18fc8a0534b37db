'use strict';
// V8's sampling heap profiler through the inspector, told to keep the
// objects both collectors freed: bytes allocated, not bytes retained.
const inspector = require('node:inspector');

/** Starts sampling; `stop()` returns self bytes by "function file:line". */
async function startHeapSampling(samplingInterval = 512) {
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) =>
    new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
  await post('HeapProfiler.startSampling', {
    samplingInterval,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return {
    async stop() {
      const { profile } = await post('HeapProfiler.stopSampling');
      session.disconnect();
      return bytesByFunction(profile.head);
    },
  };
}

/** Self bytes by "function file:line", summed over the sampled call tree. */
function bytesByFunction(head) {
  const out = new Map();
  const walk = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    out.set(key, (out.get(key) ?? 0) + node.selfSize);
    node.children.forEach(walk);
  };
  walk(head);
  return out;
}

function totalBytes(byFunction) {
  let total = 0;
  for (const bytes of byFunction.values()) total += bytes;
  return total;
}

module.exports = { startHeapSampling, totalBytes };
