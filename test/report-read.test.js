'use strict';
// Reading a directory of profiles into the report's aggregate model.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { readProfiles, callTree, ReportError } = require('../dist/internal');
const {
  encodeProfile,
  fn,
  removeDir,
  serviceScenario,
  tempDir,
  writeProfileDir,
} = require('./support/profile-fixtures');

function withDir(t, dir) {
  t.after(() => removeDir(dir));
  return dir;
}

function assertReportError(fnToRun, code, pattern) {
  assert.throws(fnToRun, (err) => {
    assert.ok(err instanceof ReportError, `expected a ReportError, got ${err}`);
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  });
}

function names(set, node) {
  const out = [];
  for (let n = node; n > 0; n = set.tree.parent[n]) out.push(set.frames[set.tree.frame[n]].name);
  return out.reverse();
}

test('every span, with its CPU, samples, trace and time range', (t) => {
  const scenario = serviceScenario();
  const dir = withDir(t, writeProfileDir(scenario));
  const set = readProfiles(dir);

  assert.deepEqual(set.files, { cpu: 3, wall: 0, other: 0, corrupt: 0 });
  assert.equal(set.spans.length, scenario.spans.length);
  for (const expected of scenario.spans) {
    const span = set.spans.find((s) => s.spanId === expected.spanId);
    assert.ok(span, `span ${expected.spanId} is read`);
    assert.equal(span.spanName, expected.spanName);
    assert.equal(span.traceId, expected.traceId);
    assert.equal(span.cpuNs, expected.cpuNs);
    assert.equal(span.samples, expected.samples);
    // Samples carry no time: a span covers the windows that hold it.
    const windows = expected.windows.map((w) => scenario.windows[w]);
    assert.equal(span.startMs, Math.min(...windows.map((w) => w.startMs)));
    assert.equal(span.endMs, Math.max(...windows.map((w) => w.startMs + w.durationMs)));
  }
  for (let i = 1; i < set.spans.length; i++) {
    assert.ok(set.spans[i - 1].cpuNs >= set.spans[i].cpuNs, 'spans are sorted by CPU');
  }
  assert.equal(set.unlabelled.cpuNs, scenario.unlabelled.cpuNs);
  assert.equal(set.unlabelled.samples, scenario.unlabelled.samples);
  const spanCpu = scenario.spans.reduce((a, s) => a + s.cpuNs, 0);
  assert.equal(set.cpuNs, spanCpu + scenario.unlabelled.cpuNs);
  assert.equal(set.startMs, scenario.windows[0].startMs);
  assert.equal(set.endMs, scenario.windows[2].startMs + scenario.windows[2].durationMs);
});

test('stacks are merged by function, root first, and a span reaches only its own code', (t) => {
  const scenario = serviceScenario();
  const dir = withDir(t, writeProfileDir(scenario));
  const set = readProfiles(dir);

  const checkout = set.spans.find((s) => s.spanName === 'GET /checkout');
  const stacks = checkout.stacks.map((w) => names(set, w.node));
  assert.ok(
    stacks.some((s) => s.join(' > ') ===
      'processTicksAndRejections > emit > parserOnIncoming > handle > next > checkoutHandler > computeCartTotals'),
    `hot stack present in ${JSON.stringify(stacks)}`,
  );
  assert.ok(stacks.some((s) => s.join() === '(garbage collector)'), 'GC is charged to the span that ran');
  assert.ok(!stacks.flat().includes('rankResults'));

  // One node per distinct path, shared by every span: the framework frames
  // of all three endpoints are a single chain.
  const emitNodes = set.tree.frame.filter((f) => f >= 0 && set.frames[f].name === 'emit');
  assert.equal(emitNodes.length, 1);

  const tree = callTree(set, { kind: 'name', spanName: 'GET /checkout' });
  const expectedCpu = scenario.spans.filter((s) => s.spanName === 'GET /checkout').reduce((a, s) => a + s.cpuNs, 0);
  assert.equal(tree.cpuNs, expectedCpu);
  let node = tree;
  for (const name of ['processTicksAndRejections', 'emit', 'parserOnIncoming', 'handle', 'next', 'checkoutHandler']) {
    node = node.children.find((c) => c.name === name);
    assert.ok(node, `call tree has ${name}`);
  }
  assert.deepEqual(node.children.map((c) => c.name).sort(), ['computeCartTotals', 'stringify']);
  // A node's CPU is its own plus its children's.
  const sumChildren = node.children.reduce((a, c) => a + c.cpuNs, 0);
  assert.equal(node.cpuNs, node.selfCpuNs + sumChildren);
});

test('frames keep their file and a line: the start line, else the hottest call line', (t) => {
  const dir = withDir(t, writeProfileDir(serviceScenario()));
  const set = readProfiles(dir);
  const frame = (name) => set.frames.find((f) => f.name === name);
  assert.deepEqual(frame('checkoutHandler'), { name: 'checkoutHandler', file: '/srv/shop/src/routes/checkout.js', line: 30 });
  assert.deepEqual(frame('emit'), { name: 'emit', file: 'node:events', line: 519 });
  // A leaf only: V8 does not say which of its lines ran.
  assert.deepEqual(frame('rankResults'), { name: 'rankResults', file: '/srv/shop/src/search/rank.js', line: 0 });
  assert.deepEqual(frame('(program)'), { name: '(program)', file: '', line: 0 });
});

test('the kind of a profile comes from its sample types, not its file name', (t) => {
  const scenario = serviceScenario({ windows: 1 });
  const dir = withDir(t, tempDir());
  fs.writeFileSync(path.join(dir, 'a.cpu.pb.gz'), encodeProfile(scenario.windows[0], 'cpu'));
  // A wall profile under a CPU profile's name, and another under its own.
  fs.writeFileSync(path.join(dir, 'b.cpu.pb.gz'), encodeProfile(scenario.windows[0], 'wall'));
  fs.writeFileSync(path.join(dir, 'c.wall.pb.gz'), encodeProfile(scenario.windows[0], 'wall'));
  // Neither CPU nor wall.
  fs.writeFileSync(path.join(dir, 'd.pb.gz'), encodeProfile(scenario.windows[0], 'alloc'));
  // Not profiles at all: ignored without a word.
  fs.writeFileSync(path.join(dir, 'index.json'), '{}');
  fs.writeFileSync(path.join(dir, '.e.cpu.pb.gz.123.tmp'), 'partial');
  fs.writeFileSync(path.join(dir, '.f.cpu.pb.gz'), 'hidden, being written');
  fs.mkdirSync(path.join(dir, 'nested.pb.gz'));

  const set = readProfiles(dir);
  assert.deepEqual(set.files, { cpu: 1, wall: 2, other: 1, corrupt: 0 });
  const one = scenario.spans.reduce((a, s) => a + s.cpuNs, 0) + scenario.unlabelled.cpuNs;
  assert.equal(set.cpuNs, one, 'only the CPU profile is counted');
  assert.deepEqual(set.warnings, []);
});

test('a missing directory, a file and an empty directory are clear errors', (t) => {
  const dir = withDir(t, tempDir());
  assertReportError(() => readProfiles(path.join(dir, 'nope')), 'missing-directory', /profile directory not found: .*nope/);
  const file = path.join(dir, 'plain.txt');
  fs.writeFileSync(file, 'x');
  assertReportError(() => readProfiles(file), 'not-a-directory', /not a directory: .*plain\.txt/);
  assertReportError(() => readProfiles(path.join(file, 'below')), 'missing-directory', /not found/);
  assertReportError(() => readProfiles(dir), 'empty-directory', /no profiles in .*: it holds no \*\.pb\.gz files/);
});

test('corrupt files are skipped with a counted warning naming each', (t) => {
  const scenario = serviceScenario();
  const dir = withDir(t, writeProfileDir(scenario));
  fs.writeFileSync(path.join(dir, 'zz-not-gzip.cpu.pb.gz'), 'this is not gzip');
  fs.writeFileSync(path.join(dir, 'zz-not-pprof.cpu.pb.gz'), zlib.gzipSync(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])));
  const good = fs.readFileSync(path.join(dir, fs.readdirSync(dir).find((n) => n.endsWith('.cpu.pb.gz'))));
  fs.writeFileSync(path.join(dir, 'zz-truncated.cpu.pb.gz'), good.subarray(0, good.length >> 1));

  const set = readProfiles(dir);
  assert.equal(set.files.cpu, 3);
  assert.equal(set.files.corrupt, 3);
  assert.equal(set.warnings.length, 3);
  assert.match(set.warnings.join('\n'), /skipped zz-not-gzip\.cpu\.pb\.gz: not gzip data/);
  assert.match(set.warnings.join('\n'), /skipped zz-not-pprof\.cpu\.pb\.gz: not a pprof profile/);
  assert.match(set.warnings.join('\n'), /skipped zz-truncated\.cpu\.pb\.gz/);
  assert.equal(set.spans.length, scenario.spans.length, 'the good files are all read');
});

test('when every file is corrupt, or none is a CPU profile, reading fails', (t) => {
  const dir = withDir(t, tempDir());
  fs.writeFileSync(path.join(dir, 'a.cpu.pb.gz'), 'garbage');
  fs.writeFileSync(path.join(dir, 'b.cpu.pb.gz'), zlib.gzipSync(Buffer.from('garbage')));
  assertReportError(() => readProfiles(dir), 'all-corrupt', /none of the 2 profile file\(s\) in .* could be read:\n {2}skipped a\.cpu\.pb\.gz/);

  const walls = withDir(t, tempDir());
  fs.writeFileSync(path.join(walls, 'a.wall.pb.gz'), encodeProfile(serviceScenario({ windows: 1 }).windows[0], 'wall'));
  assertReportError(() => readProfiles(walls), 'no-cpu-profiles', /no CPU profile in .*: .*cpu\/nanoseconds/);
});

test('samples with no location and locations with no function are kept', (t) => {
  const dir = withDir(t, tempDir());
  const window = {
    startMs: 1_760_000_000_000,
    durationMs: 1000,
    samples: [{ stack: [fn('main', '/app.js', 3), fn('work', '/app.js')], labels: {}, count: 2, ns: 20_000_000 }],
  };
  // Rewrite the encoded profile: one sample loses its stack, one location its lines.
  const { Profile } = require('pprof-format');
  const profile = Profile.decode(zlib.gunzipSync(encodeProfile(window)));
  profile.sample.push(new (profile.sample[0].constructor)({ locationId: [], value: [1, 10_000_000], label: [] }));
  profile.location[0].line = [];
  profile.location[0].address = 0xbeef;
  fs.writeFileSync(path.join(dir, 'x.cpu.pb.gz'), zlib.gzipSync(profile.encode()));

  const set = readProfiles(dir);
  assert.equal(set.cpuNs, 30_000_000);
  assert.equal(set.samples, 3);
  const frameNames = set.frames.map((f) => f.name);
  assert.ok(frameNames.includes('(no stack)'));
  assert.ok(frameNames.includes('0xbeef'));
});
