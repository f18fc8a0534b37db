'use strict';
// V8 adds a sample of its own at every deoptimization while a profile runs,
// taken on the JS thread with no signal. From Node 24, Maglev can deoptimize
// at each exit of a hot inner loop, tens of times a millisecond. Such samples
// have no tick and no time: the sampler drops them and counts them as
// untimed, apart from the unmatched samples that stand for a lost signal.
const test = require('node:test');
const assert = require('node:assert/strict');
const v8 = require('node:v8');
const { newSampler, spinCpu, flatten } = require('./support/native');

// Natives syntax forces deoptimizations at will; only functions compiled
// after this line can use it.
v8.setFlagsFromString('--allow-natives-syntax');
const deoptimizeEach = new Function('n', 'spin', `
  function victim(k) {
    let x = 0;
    for (let i = 0; i < k; i++) x += i;
    %DeoptimizeNow();
    return x;
  }
  let total = 0;
  for (let r = 0; r < n; r++) {
    %PrepareFunctionForOptimization(victim);
    victim(10);
    victim(10);
    %OptimizeFunctionOnNextCall(victim);
    total += victim(10);
    total += spin(1);
  }
  return total;
`);

const SLOT = 4242;

test('deoptimization samples are counted as untimed, never labelled', (t) => {
  const sampler = newSampler();
  sampler.start();
  const ticks0 = sampler.counters().ticks;
  sampler.collect(); // drop the start-up window
  sampler.slotView[0] = SLOT;
  deoptimizeEach(300, spinCpu);
  sampler.slotView[0] = 0;
  const w = sampler.collect();
  const ticks = sampler.counters().ticks - ticks0;
  sampler.stop();
  const s = w.stats;
  const samples = flatten([w]);
  t.diagnostic(`v8 ${s.v8Samples}: matched ${samples.length}, untimed ${s.untimedSamples}, ` +
    `unmatched ${s.unmatchedSamples}, unmatched ticks ${s.unmatchedTicks}`);
  // Every V8 sample is accounted for exactly once.
  assert.equal(samples.length + s.unmatchedSamples + s.untimedSamples, s.v8Samples);
  // 300 deoptimizations, each a sample of V8's own. Those that fall between
  // two ticks close together are untimed; one in a longer gap (V8's sampler
  // thread kept off the CPU) stays unmatched, as a lost sample would.
  assert.ok(s.untimedSamples > 0, 'no deoptimization sample was seen as untimed');
  // Only a signal's tick gives a sample its place in the output.
  assert.ok(samples.length <= ticks, `${samples.length} samples from ${ticks} ticks`);
  const inLoop = samples.filter((x) => x.stack.includes('victim') || x.stack.includes('spinCpu'));
  assert.ok(inLoop.length > 0);
  for (const x of inLoop) assert.equal(x.slot, SLOT, 'a sample of the loop lost its slot');
});
