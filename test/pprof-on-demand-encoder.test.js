'use strict';
// Windows are encoded on the profiled thread, in short stretches, until a
// large source map or Node's kept maps make the helper thread worth its
// memory; which scripts have maps, and how large, is found out without
// reading the maps.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const {
  OnDemandEncoder,
  ENCODE_SLICE_MS,
  scriptMapBytes,
  createFrameMapper,
} = require('../dist/internal');
const { decodeProfileSync } = require('./support/read-pprof');
const { sampleWindow, stopSampler, busyFor } = require('./support/profile-windows.js');
const { countTurns } = require('./support/thread-stretches');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-on-demand-'));
test.after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  stopSampler();
});

function write(name, text) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const MAP = JSON.stringify({ version: 3, sources: ['a.ts'], names: [], mappings: 'AAAA' });

test('scriptMapBytes: the size of the map a script leads to, by comment or beside it; 0 for none', async () => {
  write('external.js.map', MAP);
  const external = write('external.js', 'f();\n//# sourceMappingURL=external.js.map\n');
  assert.equal(await scriptMapBytes(external), MAP.length);
  assert.equal(await scriptMapBytes(pathToFileURL(external).href), MAP.length, 'ESM file: URL');

  fs.mkdirSync(path.join(dir, 'maps'));
  write(path.join('maps', 'elsewhere.map'), MAP + ' ');
  const elsewhere = write('elsewhere.js', 'f();\n/*# sourceMappingURL=maps/elsewhere.map */\n');
  assert.equal(await scriptMapBytes(elsewhere), MAP.length + 1);

  const sibling = write('sibling.js', 'f();\n');
  write('sibling.js.map', MAP);
  assert.equal(await scriptMapBytes(sibling), MAP.length, 'a map beside the script, no comment');

  const data = `data:application/json;base64,${Buffer.from(MAP).toString('base64')}`;
  assert.equal(await scriptMapBytes(write('inline.js', `f();\n//# sourceMappingURL=${data}\n`)), data.length);

  const big = 'A'.repeat(100_000);
  const largeInline = write('large-inline.js', `f();\n//# sourceMappingURL=data:application/json;base64,${big}\n`);
  assert.equal(await scriptMapBytes(largeInline), Infinity, 'an inline map longer than the tail read');

  assert.equal(await scriptMapBytes(write('plain.js', 'f();\n')), 0);
  assert.equal(await scriptMapBytes(write('gone-map.js', 'f();\n//# sourceMappingURL=missing.js.map\n')), 0);
  assert.equal(await scriptMapBytes(write('remote.js', 'f();\n//# sourceMappingURL=https://cdn.example/a.map\n')), 0);
  assert.equal(await scriptMapBytes(path.join(dir, 'no-such-script.js')), 0);
  assert.equal(await scriptMapBytes('node:internal/timers'), 0);
  assert.equal(await scriptMapBytes(''), 0);
});

/** A frame mapper that takes `ms` of this thread for every frame, and counts them: a slow window. */
function slowFrames(ms) {
  const pass = createFrameMapper({ enabled: false, root: dir });
  const mapper = {
    calls: 0,
    workerSetup: pass.workerSetup,
    close: () => pass.close(),
    map(frame) {
      mapper.calls++;
      busyFor(ms, () => Math.sqrt(Math.random()));
      return pass.map(frame);
    },
  };
  return mapper;
}

async function busyWindow() {
  return sampleWindow({ phases: [{ slot: 0, run: () => busyFor(60, () => Math.sqrt(Math.random())) }] });
}

test('windows are encoded on the profiled thread, a slow one in stretches with the event loop turning between; no helper starts', async () => {
  const window = await busyWindow();
  const helpers = [];
  // 2 ms on Date.now()'s clock is at least 1: each frame uses up a stretch's budget.
  const frames = slowFrames(2);
  const slow = new OnDemandEncoder({ wall: true, frames }, { onHelper: (reason) => helpers.push(reason) });
  try {
    for (let i = 0; i < 2; i++) {
      const stretches = [];
      const turns = countTurns();
      const before = frames.calls;
      const encoded = await slow.encode(window, { add: (ns) => stretches.push(ns) });
      const seen = turns.stop();
      const mapped = frames.calls - before;
      assert.ok(mapped > 0, 'the window has JavaScript frames');
      assert.ok(decodeProfileSync(encoded.profiles[0].gzip).sample.length > 0);
      // Counted, not timed: a loaded machine lengthens stretches, never merges them.
      assert.ok(stretches.length >= mapped, `${stretches.length} stretches for ${mapped} frames of at least ${ENCODE_SLICE_MS} ms`);
      assert.ok(seen >= stretches.length - 1, `${seen} turns between ${stretches.length} stretches`);
    }
    assert.equal(slow.usesHelper, false);
    assert.deepEqual(helpers, []);
  } finally {
    await slow.close();
  }
});

test('with source maps off, no script is looked at', async () => {
  const window = await busyWindow();
  const encoder = new OnDemandEncoder({ wall: false, frames: createFrameMapper({ enabled: false, root: dir }) });
  const { open } = fs.promises;
  const opened = [];
  fs.promises.open = (file, ...rest) => {
    opened.push(String(file));
    return open(file, ...rest);
  };
  try {
    await encoder.encode(window);
  } finally {
    fs.promises.open = open;
    await encoder.close();
  }
  assert.deepEqual(opened, []);
  assert.equal(encoder.usesHelper, false);
});

test('when Node keeps source maps (--enable-source-maps), the helper thread starts with the encoder', () => {
  const internal = path.join(__dirname, '..', 'dist', 'internal');
  const script = `
    const { OnDemandEncoder, createFrameMapper } = require(${JSON.stringify(internal)});
    const helpers = [];
    const e = new OnDemandEncoder({ wall: false, frames: createFrameMapper({ root: process.cwd() }) }, { onHelper: (r) => helpers.push(r) });
    console.log(JSON.stringify({ usesHelper: e.usesHelper, helpers }));
    e.close();
  `;
  for (const [flags, expected] of [
    [['--enable-source-maps'], { usesHelper: true, helpers: ['Node keeps source maps (--enable-source-maps)'] }],
    [[], { usesHelper: false, helpers: [] }],
  ]) {
    const r = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), expected, flags.join(' '));
  }
});
