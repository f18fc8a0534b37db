'use strict';
// One point of a scaling curve. Every unit of work runs in a span and ends
// with an event-loop hop; what varies is one of:
//   spans      N spans live at once, each looping over small units
//   depth      each unit recurses N frames deep before its work
//   functions  N distinct compiled functions, each unit calling 200 of them
// Reports process CPU per unit over the measured interval, peak RSS and the
// profiler's per-window costs.
const { parseArgs, startProfiled, peakRssMiB, cpuUs, nextTurn } = require('../lib/child-setup');
const { parse } = require('./work');

const args = parseArgs();
const UNIT_STEPS = 600; // parse(600) ≈ 7 µs: small, so context switches matter

/** A unit of the `depth` axis: `d` frames of the same function, then the work. */
function descend(d, seed) {
  return d <= 1 ? parse(UNIT_STEPS * 8, seed) : descend(d - 1, seed) + 1;
}

/** N distinct functions: distinct source text, so V8 compiles each on its own. */
function makeFunctions(n) {
  const fns = new Array(n);
  for (let i = 0; i < n; i++) {
    fns[i] = new Function('x', `let s = x + ${i}; for (let k = 0; k < 12; k++) s = (s * ${31 + (i % 97)} + k) | 0; return s;`);
  }
  return fns;
}

function unitFor(axis, n) {
  if (axis === 'spans') return (seed) => parse(UNIT_STEPS, seed);
  if (axis === 'depth') return (seed) => descend(n, seed);
  if (axis === 'functions') {
    const fns = makeFunctions(n);
    let s = 0;
    for (let i = 0; i < n; i++) s += fns[i](i); // compile all of them up front
    let next = 0;
    return (seed) => {
      let acc = seed + s;
      for (let i = 0; i < 200; i++) {
        acc ^= fns[next](acc);
        next = next + 1 === n ? 0 : next + 1;
      }
      return acc;
    };
  }
  throw new Error(`unknown axis ${axis}`);
}

(async () => {
  const unit = unitFor(args.axis, args.n);
  const { profiler, tracer, finish } = startProfiled(args);
  const loops = args.axis === 'spans' ? args.n : 4;
  let units = 0;
  let phase = 'warmup';
  let sink = 0;
  const loop = (k) =>
    tracer.startActiveSpan('live', async (span) => {
      while (phase !== 'done') {
        if (args.axis === 'spans') {
          sink += unit(k + units);
        } else {
          sink += tracer.startActiveSpan('unit', (s) => {
            const r = unit(k + units);
            s.end();
            return r;
          });
        }
        units++;
        await nextTurn();
      }
      span.end();
    });
  const running = Array.from({ length: loops }, (_, k) => loop(k));
  await new Promise((r) => setTimeout(r, (args.warmup * 1000) / 2));
  await profiler.rotateNow();
  await new Promise((r) => setTimeout(r, (args.warmup * 1000) / 2));
  profiler.resetWindows();
  const u0 = units;
  const c0 = process.cpuUsage();
  phase = 'measure';
  await new Promise((r) => setTimeout(r, args.duration * 1000));
  const cpu = cpuUs(c0);
  const done = units - u0;
  phase = 'done';
  await Promise.all(running);
  const windows = profiler.windows();
  const rssMiB = peakRssMiB();
  await finish();
  console.log(JSON.stringify({ axis: args.axis, n: args.n, units: done, cpuNsPerUnit: (cpu * 1000) / done, rssMiB, windows, sink: sink !== 0 }));
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
