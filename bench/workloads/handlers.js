'use strict';
// What one request does. `http`: ~0.5 ms of CPU in four slices with an
// event-loop hop between them, part of it in a child span. `async-heavy`:
// about as much CPU spread over 600 awaits, 10 timers and 10 immediates.
const { context } = require('@opentelemetry/api');
const { parse } = require('./work');

const SLICE_STEPS = 11000; // parse(11000) ≈ 125 µs of CPU here: four slices ≈ 0.5 ms
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const timer = () => new Promise((resolve) => setTimeout(resolve, 0));

async function httpWork(tracer, seed) {
  let acc = parse(SLICE_STEPS, seed);
  await nextTurn();
  acc += await tracer.startActiveSpan('query', async (span) => {
    let a = parse(SLICE_STEPS, seed + 1);
    await nextTurn();
    a += parse(SLICE_STEPS, seed + 2);
    span.end();
    return a;
  });
  await nextTurn();
  return acc + parse(SLICE_STEPS, seed + 3);
}

async function step(seed) {
  await null;
  return seed & 7;
}

async function asyncHeavyWork(tracer, seed) {
  let acc = 0;
  for (let round = 0; round < 10; round++) {
    await timer();
    await nextTurn();
    for (let i = 0; i < 30; i++) acc += await step(seed + i); // 2 awaits each
    acc += parse((SLICE_STEPS * 2) / 5, seed + round);
    if (round === 4) {
      acc += await tracer.startActiveSpan('fanout', async (span) => {
        const parts = await Promise.all([step(1), step(2), timer().then(() => 3)]);
        span.end();
        return parts.length;
      });
    }
  }
  return acc;
}

const KINDS = { http: httpWork, 'async-heavy': asyncHeavyWork };

const direct = (seq, fn) => fn();

/**
 * Runs the request's work inside a server span, as an instrumented server
 * would; `around(seq, fn)`, when the profiler has one, wraps each request
 * (custom labels).
 */
function handler(kind, tracer, around = direct) {
  const work = KINDS[kind];
  if (!work) throw new Error(`unknown workload ${kind}`);
  let seq = 0;
  return (req, res) => {
    const n = seq++;
    return around(n, () =>
      tracer.startActiveSpan('GET /work', { kind: 1 }, context.active(), async (span) => {
        const acc = await work(tracer, n);
        span.end();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"r":${acc}}`);
      }),
    );
  };
}

module.exports = { handler };
