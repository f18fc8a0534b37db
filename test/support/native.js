'use strict';
// Test helpers around the real native sampler.
const { loadNative, ThreadSampler } = require('../../dist/internal');

function binding() {
  const result = loadNative();
  if (!result.ok) throw new Error(result.reason);
  return result.binding;
}

function newSampler(options) {
  return new ThreadSampler(binding(), options);
}

/** Burns CPU for `ms` milliseconds of wall time in the caller's frame. */
function spin(ms) {
  const end = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  let x = 0;
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 1000; i++) x += Math.sqrt(i + x);
  }
  return x;
}

/** Burns `ms` milliseconds of this thread's CPU time, however busy the machine is. */
function spinCpu(ms) {
  const b = binding();
  const end = b.threadCpuNs() + ms * 1e6;
  let x = 0;
  while (b.threadCpuNs() < end) {
    for (let i = 0; i < 1000; i++) x += Math.sqrt(i + x);
  }
  return x;
}

/** Name of node `i`'s function. */
function nodeName(w, i) {
  return w.strings[w.nodes.name[i]];
}

/** Function names from leaf to root for sample `s`. */
function stackOf(w, s) {
  const names = [];
  for (let n = w.samples.node[s]; n >= 0; n = w.nodes.parent[n]) names.push(nodeName(w, n));
  return names;
}

/** Merges several raw windows' samples into one list of {stack, leafKind, slot, cpuNs, wallNs}. */
function flatten(windows) {
  const out = [];
  for (const w of windows) {
    for (let s = 0; s < w.samples.node.length; s++) {
      out.push({
        stack: stackOf(w, s),
        kind: w.nodes.kind[w.samples.node[s]],
        slot: w.samples.slot[s],
        cpuNs: w.samples.cpuNs[s],
        wallNs: w.samples.wallNs[s],
        timeUs: w.samples.timeUs[s],
      });
    }
  }
  return out;
}

const NodeKind = { Js: 0, Root: 1, Program: 2, Idle: 3, Gc: 4 };

module.exports = { binding, newSampler, spin, spinCpu, stackOf, flatten, NodeKind };
