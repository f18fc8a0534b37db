'use strict';
// Real ProfileWindows from the native sampler, with slots set by hand
// around the code each phase runs, and hand-built ones for edge cases.
const { loadNative } = require('../../dist/internal');

/** The sampler's interval here, 10 ms, as the profiles' period. */
const PERIOD_NS = 10_000_000;

let sampler;
let binding;

function nativeBinding() {
  if (!binding) {
    const loaded = loadNative();
    if (!loaded.ok) throw new Error(loaded.reason);
    binding = loaded.binding;
  }
  return binding;
}

function theSampler() {
  if (!sampler) sampler = new (nativeBinding().Sampler)(PERIOD_NS / 1000);
  return sampler;
}

/** Spins the CPU for `ms` inside `fn`, which should be a named hot function. */
function busyFor(ms, fn) {
  const until = Date.now() + ms;
  let sink = 0;
  while (Date.now() < until) sink += fn();
  return sink;
}

function epochOfMonotonicUs(us) {
  const nowUs = nativeBinding().monotonicNowUs();
  return BigInt(Date.now()) * 1_000_000n - BigInt(Math.round((nowUs - us) * 1000));
}

/**
 * Samples `phases` in order: each sets the span slot, runs `run()`, then
 * clears the slot. `idleMs` of waiting follows. Returns a ProfileWindow
 * whose labels map is `labels` (slot → SpanLabels).
 */
async function sampleWindow({ phases, idleMs = 0, labels = new Map() }) {
  const s = theSampler();
  const shared = new Int32Array(s.shared);
  if (!s.running) s.start();
  else s.collect(); // start a fresh window
  for (const phase of phases) {
    Atomics.store(shared, 0, phase.slot);
    phase.run();
    Atomics.store(shared, 0, 0);
  }
  if (idleMs > 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
  const raw = s.collect();
  return windowOf(raw, labels);
}

function windowOf(raw, labels) {
  return {
    raw,
    startEpochNs: epochOfMonotonicUs(raw.startUs),
    endEpochNs: epochOfMonotonicUs(raw.endUs),
    periodNs: PERIOD_NS,
    labels,
    counters: {
      ticks: raw.samples.node.length + raw.stats.unmatchedTicks,
      droppedTicks: 0,
      unmatchedSamples: raw.stats.unmatchedSamples,
      unmatchedTicks: raw.stats.unmatchedTicks,
      untimedSamples: raw.stats.untimedSamples ?? 0,
      unlabelledSamples: 0,
    },
  };
}

function stopSampler() {
  if (sampler) sampler.stop();
}

/** The same window moved in time: distinct windows for ordering checks. */
function shiftedWindow(window, offsetNs) {
  return {
    ...window,
    startEpochNs: window.startEpochNs + offsetNs,
    endEpochNs: window.endEpochNs + offsetNs,
  };
}

/**
 * A window built by hand. `nodes` rows: [parent, name, url, line, column, kind];
 * `samples` rows: [node, slot, cpuNs, wallNs].
 */
function handWindow({ nodes, samples, labels = new Map(), startEpochNs = 1_700_000_000_000_000_000n, durationNs = 10_000_000_000n }) {
  const strings = [''];
  const intern = (s) => {
    let i = strings.indexOf(s);
    if (i < 0) i = strings.push(s) - 1;
    return i;
  };
  const raw = {
    startUs: 1000,
    endUs: 1000 + Number(durationNs / 1000n),
    nodes: {
      parent: Int32Array.from(nodes.map((n) => n[0])),
      name: Int32Array.from(nodes.map((n) => intern(n[1]))),
      url: Int32Array.from(nodes.map((n) => intern(n[2]))),
      line: Int32Array.from(nodes.map((n) => n[3])),
      column: Int32Array.from(nodes.map((n) => n[4])),
      kind: Uint8Array.from(nodes.map((n) => n[5])),
    },
    strings,
    samples: {
      node: Int32Array.from(samples.map((s) => s[0])),
      timeUs: Float64Array.from(samples.map((_, i) => 1000 + i * 10_000)),
      slot: Int32Array.from(samples.map((s) => s[1])),
      cpuNs: Float64Array.from(samples.map((s) => s[2])),
      wallNs: Float64Array.from(samples.map((s) => s[3])),
    },
    stats: {
      v8Samples: samples.length,
      unmatchedSamples: 0,
      untimedSamples: 0,
      unmatchedTicks: 0,
      rotateNs: 0,
      translateNs: 0,
      recovered: false,
      recoveries: 0,
    },
  };
  return {
    raw,
    startEpochNs,
    endEpochNs: startEpochNs + durationNs,
    periodNs: PERIOD_NS,
    labels,
    counters: { ticks: samples.length, droppedTicks: 0, unmatchedSamples: 0, unmatchedTicks: 0, untimedSamples: 0, unlabelledSamples: 0 },
  };
}

/** Node kinds, as src/native/types.ts numbers them. */
const Kind = { Js: 0, Root: 1, Program: 2, Idle: 3, Gc: 4 };

module.exports = { sampleWindow, handWindow, shiftedWindow, stopSampler, busyFor, Kind, PERIOD_NS };
