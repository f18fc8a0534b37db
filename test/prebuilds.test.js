'use strict';
// Every prebuilt binary loads through node-gyp-build under the Node version
// of its ABI, with any source build in build/ ignored, and samples.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { allPinned, findNode } = require('../scripts/node-versions');

const root = path.resolve(__dirname, '..');
const tuple = `${process.platform}-${process.arch}`;
const dir = path.join(root, 'prebuilds', tuple);
const present = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.node')) : [];
const abiOf = (file) => Number((file.match(/\.abi(\d+)\./) || [])[1]);

test('every prebuild is for a pinned Node ABI', (t) => {
  if (present.length === 0) return t.skip(`no prebuilds in prebuilds/${tuple}: run npm run build:prebuilds`);
  const pinnedAbis = new Set(allPinned().map((p) => p.abi));
  for (const file of present) {
    assert.ok(pinnedAbis.has(abiOf(file)), `${file} is for no pinned Node version`);
  }
});

for (const pin of allPinned()) {
  test(`Node ${pin.version} loads its prebuild (ABI ${pin.abi}) and samples`, (t) => {
    const file = present.find((f) => abiOf(f) === pin.abi);
    if (!file) return t.skip(`no prebuild for ABI ${pin.abi}: run npm run build:prebuilds`);
    const node = findNode(pin.version);
    if (!node) return t.skip(`Node ${pin.version} is not fetched: run node scripts/node-versions.js ${pin.major}`);

    const r = spawnSync(node.bin, [path.join(root, 'scripts', 'native-smoke.js'), '1'], {
      encoding: 'utf8',
      env: { ...process.env, PREBUILDS_ONLY: '1' },
      timeout: 60_000,
    });
    assert.equal(r.status, 0, `smoke failed under Node ${pin.version}:\n${r.stderr}`);
    const result = JSON.parse(r.stdout.trim().split('\n').pop());
    t.diagnostic(`${result.file}: ${result.samples} samples in ${result.seconds} s, ` +
      `${result.cpuSeconds} s of CPU (${result.v8Samples} from V8, ${result.untimedSamples} untimed, ` +
      `${result.unmatchedSamples} unmatched)`);
    assert.equal(result.node, pin.version);
    assert.equal(result.file, path.join('prebuilds', tuple, file));
    // The rate itself is the sampler tests' job. Here a working binary must
    // sample, never above 100 Hz of wall time. The smoke burns a second of
    // its thread's CPU: signals come by wall clock, so that second holds
    // about 100 samples or more on a loaded machine too; 50 is the floor.
    assert.ok(result.samples >= 50, `only ${result.samples} samples`);
    assert.ok(result.rateHz <= 105, `${result.rateHz} Hz, above 105`);
    // Deoptimization samples come with no signal and are counted apart.
    const periodic = result.v8Samples - result.untimedSamples;
    assert.ok(result.samples >= 0.9 * periodic,
      `only ${result.samples} of ${periodic} periodic V8 samples matched a tick`);
  });
}
