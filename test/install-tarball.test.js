'use strict';
// The packed tarball, installed the way a user without a compiler installs
// it: `npm install --ignore-scripts` into a fresh project, with no compiler,
// Python, make or node-gyp reachable. A plain OpenTelemetry app, started
// with spanprof's preload and nothing else, must write span-labelled
// profiles; on a Node with no binary, it must run on with one warning.
//
// Runs under whichever Node runs it:
//   node scripts/with-node.js 24 -- node --test test/install-tarball.test.js
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { allPinned } = require('../scripts/node-versions');
const { npmCli, compilerFreeEnv, reachableBuildTools } = require('./fixtures/install-env');
const { readSpans, profileFiles, readProfiles, attribution, countOf } = require('./fixtures/install-profile');

const root = path.resolve(__dirname, '..');
const tuple = `${process.platform}-${process.arch}`;
const libc = process.platform === 'linux' ? (fs.existsSync('/etc/alpine-release') ? 'musl' : 'glibc') : undefined;
const prebuildName = (abi) => ['node', `abi${abi}`, libc, 'node'].filter(Boolean).join('.');
// The OTel packages the app uses: the versions this clone's lockfile
// installed, so npm finds them in its cache.
const otelDeps = ['@opentelemetry/api', '@opentelemetry/sdk-trace-node'].map((name) => {
  const file = path.join(root, 'node_modules', name, 'package.json');
  return `${name}@${JSON.parse(fs.readFileSync(file, 'utf8')).version}`;
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-install-'));
const app = path.join(tmp, 'app');
const installed = path.join(app, 'node_modules', 'spanprof');
const env = compilerFreeEnv(path.join(tmp, 'bin'));
let pack; // npm pack's JSON report of the tarball
let entries; // paths inside the tarball, without the leading package/

function run(cmd, args, options) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  const seconds = (performance.now() - t0) / 1000;
  if (r.error) throw r.error;
  return { ...r, seconds };
}

function npm(args, options) {
  const r = run(process.execPath, [npmCli(), ...args, '--loglevel=error'], options);
  assert.equal(r.status, 0, `npm ${args.join(' ')} failed:\n${r.stderr}`);
  return r;
}

before(() => {
  // The tarball must carry a binary for every pinned Node; build what is
  // missing or stale (a no-op after `npm test`, which builds them all).
  const built = run(process.execPath, [path.join(root, 'scripts', 'prebuild.js')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20 * 60_000,
  });
  assert.equal(built.status, 0, `npm run build:prebuilds failed, so the tarball would lack binaries:\n${built.stderr}`);

  const packed = npm(['pack', '--json', '--pack-destination', tmp], { cwd: root, timeout: 120_000 });
  pack = JSON.parse(packed.stdout)[0];
  const listed = run('tar', ['-tzf', path.join(tmp, pack.filename)]);
  assert.equal(listed.status, 0, listed.stderr);
  entries = listed.stdout.trim().split('\n').map((e) => e.replace(/^package\//, ''));

  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  fs.copyFileSync(path.join(__dirname, 'fixtures', 'install-app.js'), path.join(app, 'app.js'));
  const installedIn = npm(
    ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', path.join(tmp, pack.filename), ...otelDeps],
    { cwd: app, env, timeout: 10 * 60_000 },
  );
  console.error(`packed in ${packed.seconds.toFixed(1)} s, installed in ${installedIn.seconds.toFixed(1)} s`);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('npm pack: every prebuild, dist/ and types, the sources to rebuild, nothing else', (t) => {
  const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
  t.diagnostic(`${pack.filename}: ${kib(pack.size)} packed, ${kib(pack.unpackedSize)} unpacked, ${entries.length} files`);
  for (const { abi } of allPinned()) {
    assert.ok(entries.includes(`prebuilds/${tuple}/${prebuildName(abi)}`), `no prebuild for ABI ${abi}`);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin)];
  for (const exp of Object.values(pkg.exports)) {
    if (typeof exp === 'string') targets.push(exp);
    else targets.push(...Object.values(exp));
  }
  for (const target of targets) {
    if (target === './package.json') continue;
    assert.ok(entries.includes(path.posix.normalize(target)), `package.json names ${target}, not in the tarball`);
  }
  // Every module ships with its types, and comes from a source that exists
  // now (a stale dist/ would ship code that no longer exists). The report's
  // page script is no module: it is bundled from src/report-page/.
  const PAGE_SCRIPT = 'dist/report-page.js';
  assert.ok(entries.includes(PAGE_SCRIPT), 'the report page script');
  const modules = entries.filter((e) =>
    e.startsWith('dist/') && !e.startsWith('dist/vendor/') && e !== PAGE_SCRIPT && e.endsWith('.js'));
  assert.ok(modules.length > 0, 'no dist/ modules');
  for (const m of modules) {
    assert.ok(entries.includes(m.replace(/\.js$/, '.d.ts')), `${m} has no .d.ts`);
    const source = path.join(root, 'src', m.slice('dist/'.length).replace(/\.js$/, '.ts'));
    assert.ok(fs.existsSync(source),
      `${m} is stale build output (no ${path.relative(root, source)}): rm -rf dist && npm run build:ts`);
  }
  // The report's browser libraries are carried as files, each with its
  // licence; no source map points at sources the package does not ship.
  const vendored = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'vendor', 'libraries.json'), 'utf8'));
  assert.deepEqual(vendored.map((l) => l.name), ['d3', 'd3-flame-graph']);
  for (const l of vendored) {
    assert.ok(entries.includes(`dist/vendor/${l.file}`) && entries.includes(`dist/vendor/${l.licenseFile}`), l.name);
  }
  assert.deepEqual(entries.filter((e) => e.endsWith('.map')), [], 'source maps without their sources');
  // Building from source stays possible.
  assert.ok(entries.includes('binding.gyp') && entries.some((e) => /^native\/.*\.cc$/.test(e)));
  const leftovers = entries.filter((e) =>
    /^(build|\.cache|test|bench|src|scripts|node_modules)\//.test(e) || /\.(o|tgz|log)$/.test(e));
  assert.deepEqual(leftovers, [], 'build leftovers, tests or bench in the tarball');
  // Four binaries of ~100 KiB and the JavaScript; a node binary or build
  // tree caught in the tarball would be tens of MiB.
  assert.ok(pack.size < 2 * 1024 * 1024, `tarball is ${kib(pack.size)}`);
});

test('installed with --ignore-scripts and no compiler: nothing was built', () => {
  assert.deepEqual(reachableBuildTools(env), [], 'the install environment could reach build tools');
  assert.equal(spawnSync('g++', ['--version'], { env }).error?.code, 'ENOENT');
  assert.ok(!fs.existsSync(path.join(installed, 'build')), 'the installed package has a build/ folder');
  const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  assert.equal(pkg.gypfile, false);
  for (const script of ['preinstall', 'install', 'postinstall']) {
    assert.equal(pkg.scripts?.[script], undefined, `the package has an ${script} script`);
  }
  // What `npm install spanprof @opentelemetry/api` brings: spanprof, the API
  // and spanprof's runtime dependencies with theirs.
  const closure = runtimeClosure(installed);
  console.error(`spanprof installs ${closure.size} packages of its own: ${[...closure].sort().join(', ')}`);
  assert.ok(closure.size + 2 <= 8, `spanprof and the API come with ${closure.size + 2} packages`);
  assert.ok(![...closure].some((name) => name.startsWith('d3')), 'd3 is installed at run time');
  const own = path.join(installed, 'prebuilds', tuple, prebuildName(process.versions.modules));
  assert.ok(fs.existsSync(own), `no prebuild for this Node's ABI ${process.versions.modules}`);
});

/** The names of the packages a package's `dependencies` pull in, resolved as Node does. */
function runtimeClosure(dir, seen = new Set()) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  for (const name of Object.keys(pkg.dependencies ?? {})) {
    if (seen.has(name)) continue;
    seen.add(name);
    runtimeClosure(packageDirFrom(dir, name), seen);
  }
  return seen;
}

function packageDirFrom(dir, name) {
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    assert.notEqual(path.dirname(d), d, `${name} is not installed`);
  }
}

/** Runs the app under spanprof's preload; returns the run and its output paths. */
function runApp(name, preload) {
  const out = path.join(tmp, `${name}-profiles`);
  const spansFile = path.join(tmp, `${name}-spans.jsonl`);
  const r = run(process.execPath, [preload, 'spanprof/register', 'app.js'], {
    cwd: app,
    env: { ...env, SPANPROF_OUTPUT_DIR: out, OTEL_SERVICE_NAME: 'install-app', SPANS_FILE: spansFile },
    timeout: 60_000,
  });
  assert.equal(r.signal, null, `killed by ${r.signal}:\n${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^install-app done$/m, 'the app did not finish');
  return { ...r, out, spans: readSpans(spansFile) };
}

const pct = (n, d) => `${((100 * n) / d).toFixed(1)}%`;

test('with @opentelemetry/api alone beside it: spanprof loads, and withLabels labels the samples', async () => {
  // No SDK, so no @opentelemetry/context-async-hooks either: what spanprof
  // needs at run time must come with it.
  const lone = path.join(tmp, 'labels-app');
  fs.mkdirSync(lone);
  fs.writeFileSync(path.join(lone, 'package.json'), JSON.stringify({ name: 'labels-app', private: true }));
  fs.copyFileSync(path.join(__dirname, 'fixtures', 'install-labels-app.js'), path.join(lone, 'app.js'));
  npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', path.join(tmp, pack.filename), otelDeps[0]], {
    cwd: lone,
    env,
    timeout: 10 * 60_000,
  });
  assert.deepEqual(fs.readdirSync(path.join(lone, 'node_modules', '@opentelemetry')), ['api']);
  const out = path.join(tmp, 'labels-app-profiles');
  const r = run(process.execPath, ['app.js'], { cwd: lone, env: { ...env, SPANPROF_OUTPUT_DIR: out }, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^labels-app done$/m);
  const { samples } = await readProfiles(out);
  const inTenant = samples.filter((s) => s.stack.includes('burnTenant'));
  const labelled = inTenant.filter((s) => s.labels.tenant === 'acme');
  const ticks = (list) => list.reduce((sum, s) => sum + countOf(s), 0);
  // 800 ms of CPU time: about 80 samples.
  assert.ok(ticks(inTenant) >= 20, `only ${ticks(inTenant)} samples in burnTenant`);
  assert.ok(ticks(labelled) / ticks(inTenant) >= 0.95, `tenant=acme on ${ticks(labelled)} of ${ticks(inTenant)}`);
});

for (const preload of ['--import', '--require']) {
  test(`node ${preload} spanprof/register: a plain OTel app writes span-labelled profiles`, async (t) => {
    const r = runApp(`profiled${preload}`, preload);
    assert.doesNotMatch(r.stderr, /Warning/, 'a warning with a binary present');
    const roots = r.spans.filter((s) => s.parentSpanId === undefined);
    assert.deepEqual(roots.map((s) => s.name).sort(), ['alpha', 'beta']);
    // The spans spanprof labels are marked for Tempo's "Profiles for this span".
    for (const s of roots) assert.equal(s.attributes['pyroscope.profile.id'], s.spanId, s.name);
    const rootIdByName = Object.fromEntries(roots.map((s) => [s.name, s.spanId]));
    const traceOf = new Map(roots.map((s) => [s.spanId, s.traceId]));

    const { files, index, sampleTypes, samples } = await readProfiles(r.out);
    assert.ok(files.length >= 1, 'no profile written');
    assert.equal(index.windows.length, files.length, 'index.json does not list every window');
    for (const w of index.windows) assert.equal(w.service, 'install-app', 'OTEL_SERVICE_NAME was not used');
    for (const types of sampleTypes) assert.equal(types, 'samples/count,cpu/nanoseconds');
    // Every span_id label names a local root span the app exported, with its trace.
    const labelled = samples.filter((s) => s.labels.span_id !== undefined);
    for (const s of labelled) {
      assert.ok(traceOf.has(s.labels.span_id), `span_id ${s.labels.span_id} is no exported root span`);
      assert.equal(s.labels.trace_id, traceOf.get(s.labels.span_id));
    }
    const rows = attribution(samples, rootIdByName);
    const ticks = (list) => list.reduce((sum, s) => sum + countOf(s), 0);
    t.diagnostic(`Node ${process.version}, ${r.seconds.toFixed(1)} s, ${files.length} profile(s), ` +
      `${ticks(samples)} samples, ${ticks(labelled)} with a span`);
    for (const [fn, row] of Object.entries(rows)) {
      t.diagnostic(`${fn.padEnd(11)} ${String(row.total).padStart(3)} samples, own ${pct(row.own, row.total)}, ` +
        `other span ${row.other}, no span ${row.none}`);
      // 400 ms of CPU time each: about 40 samples, however loaded the machine.
      assert.ok(row.total >= 10, `${fn}: only ${row.total} samples`);
      assert.ok(row.own / row.total >= 0.9, `${fn}: right label on ${pct(row.own, row.total)}`);
      assert.ok(row.other / row.total <= 0.05, `${fn}: another span's id on ${pct(row.other, row.total)}`);
    }
  });

  test(`node ${preload} spanprof/register with no binary for this Node: one warning, no profile`, () => {
    // What an unsupported ABI looks like to the loader: no prebuild matches.
    const prebuilds = path.join(installed, 'prebuilds');
    const hidden = `${prebuilds}.hidden`;
    fs.renameSync(prebuilds, hidden);
    let r;
    try {
      r = runApp(`unprofiled${preload}`, preload);
    } finally {
      fs.renameSync(hidden, prebuilds);
    }
    const warnings = r.stderr.match(/Warning/g) ?? [];
    assert.equal(warnings.length, 1, `expected one warning, got:\n${r.stderr}`);
    assert.match(r.stderr, /SPANPROF_DISABLED.*no spanprof binary for Node .*ABI \d+/);
    assert.match(r.stderr, /node-gyp rebuild/, 'the warning does not say how to build one');
    assert.deepEqual(profileFiles(r.out), [], 'a profile was written with no binary');
    assert.equal(r.spans.length, 12, 'the app did not run as usual'); // 2 roots × (1 + 5 steps)
  });
}
