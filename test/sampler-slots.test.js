'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const v8 = require('node:v8');
const vm = require('node:vm');
const { binding, newSampler, spinCpu, flatten, NodeKind } = require('./support/native');

const A = 1001;
const B = 2002;
// CPU time, not wall time: on a busy machine the thread still gets its samples.
function fa(ms) { return spinCpu(ms); }
function fb(ms) { return spinCpu(ms); }

test('samples of synchronous code carry the slot published while it ran', (t) => {
  const sampler = newSampler();
  const slot = sampler.slotView;
  sampler.start();
  for (let i = 0; i < 4; i++) {
    slot[0] = A;
    fa(300);
    slot[0] = B;
    fb(300);
  }
  slot[0] = 0;
  const w = sampler.collect();
  sampler.stop();
  const samples = flatten([w]);
  const inFa = samples.filter((s) => s.stack.includes('fa'));
  const inFb = samples.filter((s) => s.stack.includes('fb'));
  const share = (list, v) => list.filter((s) => s.slot === v).length / list.length;
  t.diagnostic(`fa: ${inFa.length} samples, ${(share(inFa, A) * 100).toFixed(1)}% A; ` +
    `fb: ${inFb.length} samples, ${(share(inFb, B) * 100).toFixed(1)}% B`);
  assert.ok(inFa.length > 80 && inFb.length > 80);
  assert.ok(share(inFa, A) >= 0.97);
  assert.ok(share(inFb, B) >= 0.97);
  assert.ok(share(inFa, B) <= 0.01);
  assert.ok(share(inFb, A) <= 0.01);
});

test('a process waiting on a timer yields idle samples with no slot and no CPU', async (t) => {
  const sampler = newSampler();
  sampler.slotView[0] = A; // stale slot: idle samples must not carry it
  sampler.start();
  // Each signal must wake the waiting thread; on a loaded machine a wake-up
  // late by more than an interval takes two signals as one. 2 s give ~200
  // samples: 80 leaves room for a load that merges more than half of them.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const w = sampler.collect();
  sampler.stop();
  const samples = flatten([w]);
  const idle = samples.filter((s) => s.kind === NodeKind.Idle);
  t.diagnostic(`${idle.length} idle of ${samples.length} samples`);
  assert.ok(idle.length >= 80, `only ${idle.length} idle samples`);
  assert.ok(idle.every((s) => s.slot === 0), 'an idle sample carries a slot');
  assert.ok(idle.every((s) => s.cpuNs === 0), 'an idle sample carries CPU');
});

// From Node 24 V8 runs most of a scavenge on its helper threads: the loop
// below left as few as 1 sample in 200 to this thread's GC. A full
// collection forced now and then keeps this thread in GC for many of them.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');

test('GC and (program) samples are marked as such', (t) => {
  const b = binding();
  const sampler = newSampler();
  sampler.start();
  // 800 ms of this thread's CPU, however busy the machine: 80 samples or more.
  const end = b.threadCpuNs() + 800e6;
  let keep = [];
  let drops = 0;
  while (b.threadCpuNs() < end) {
    keep.push(new Array(1000).fill({ a: 1 }));
    if (keep.length > 200) {
      keep = [];
      if (++drops % 10 === 0) collectGarbage();
    }
  }
  const w = sampler.collect();
  sampler.stop();
  const samples = flatten([w]);
  const gc = samples.filter((s) => s.kind === NodeKind.Gc);
  t.diagnostic(`${gc.length} GC of ${samples.length} samples`);
  assert.ok(gc.length > 0, 'no (garbage collector) samples while allocating hard');
  const names = gc.map((s) => s.stack[0]);
  assert.ok(names.every((n) => n === '(garbage collector)'));
});
