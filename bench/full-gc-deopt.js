#!/usr/bin/env node
'use strict';
// What a full GC between windows throws away of V8's optimized code.
//
//   node bench/full-gc-deopt.js [--profiler spanprof] [--windows 30] [--spans 3000]
//
// V8 frees a hidden class (map) at a full GC once no object has it, and
// drops the optimized code that was specialised to it (--trace-deopt says
// "weak objects" on Node 20, "embedded weak objects cleared" on Node 24).
// Objects made per span or per window all die between windows, and a full
// GC at such a time (V8's memory reducer runs them when allocation goes
// quiet) sends the code that handles them back to the interpreter, to be
// optimized again on V8's threads.
//
// A child process of this same `node`, run with --trace-opt --trace-deopt,
// makes `--spans` short spans per window over `--windows` windows (the code
// is optimized by then), then runs three full GCs with no span open and no
// window being built, then five more windows. Reported: the functions
// deoptimized for "weak objects" at those GCs, and how many compilations
// followed in the five windows after. Run it once with `--profiler none`
// for what the OTel SDK and Node do alone.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const { intOption } = require('./lib/int-option');
const { startProfiled, nextTurn, shortSpans, stringOption } = require('./lib/child-setup');

const MARK = '@@full-gc-deopt';

if (process.argv[2] === '--child') child();
else parent();

function parent() {
  const profiler = stringOption('profiler', 'spanprof');
  const windows = intOption('windows', 30);
  const spans = intOption('spans', 3000);
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--trace-opt', '--trace-deopt', __filename, '--child', profiler, String(windows), String(spans)],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (run.status !== 0) {
    console.error(run.stderr);
    process.exit(1);
  }
  let phase = 'warm-up';
  const deopted = [];
  let recompiled = 0;
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith(MARK)) {
      phase = line.slice(MARK.length + 1);
      continue;
    }
    if (phase === 'gc' && /reason: (embedded )?weak objects/.test(line)) {
      const m = /SharedFunctionInfo ([^>]*)>/.exec(line);
      deopted.push(m ? m[1] || '(anonymous)' : '?');
    }
    if (phase === 'after' && line.includes('compiling method')) recompiled++;
  }
  console.log(`Node ${process.version}, ${profiler}: ${windows} windows of ${spans} spans, then three full GCs with no span open`);
  console.log(`deoptimized for weak objects: ${deopted.length}`);
  console.log(`  ${deopted.join(', ')}`);
  console.log(`compilations in the five windows after: ${recompiled}`);
}

async function child() {
  const [, , , profiler, windows, spans] = process.argv;
  const { parse } = require('./workloads/work');
  const mark = (phase) => fs.writeSync(1, `${MARK} ${phase}\n`);
  const { profiler: p, tracer, finish } = startProfiled({ profiler, window: 600_000 });
  const run = (n) => shortSpans(tracer, n, (i) => parse(400, i));
  for (let w = 0; w < Number(windows); w++) {
    await run(Number(spans));
    await p.rotateNow();
  }
  mark('gc');
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await nextTurn();
  }
  mark('after');
  for (let w = 0; w < 5; w++) {
    await run(Number(spans));
    await p.rotateNow();
  }
  mark('end');
  await finish();
}
