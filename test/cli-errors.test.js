'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const cli = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const run = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000 });

test('--help and help <command> print usage and exit 0', () => {
  for (const args of [['--help'], ['help'], ['help', 'top'], ['report', '--help']]) {
    const r = run(...args);
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /Usage: spanprof/);
  }
  const none = run();
  assert.equal(none.status, 2);
  assert.match(none.stdout, /Commands:/);
});

test('an unknown command or flag is a clear message and exit 2', () => {
  const cmd = run('profile');
  assert.equal(cmd.status, 2);
  assert.match(cmd.stderr, /unknown command 'profile'; commands: demo, report, top/);
  for (const c of ['demo', 'report', 'top']) {
    const r = run(c, '--frobnicate');
    assert.equal(r.status, 2, c);
    assert.match(r.stderr, new RegExp(`spanprof ${c}: Unknown option '--frobnicate'`));
  }
  const bad = run('demo', '--seconds', 'ten');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--seconds must be a number from 1 to 600; got 'ten'/);
});

test('a missing or empty directory is a data error: a clear message and exit 1', () => {
  const missing = path.join(os.tmpdir(), 'spanprof-no-such-dir-' + process.pid);
  for (const c of ['report', 'top']) {
    const r = run(c, missing);
    assert.equal(r.status, 1, c);
    assert.match(r.stderr, /profile directory not found/);
    assert.ok(r.stderr.includes(missing));
  }
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-empty-'));
  for (const c of ['report', 'top']) {
    const r = run(c, empty);
    assert.equal(r.status, 1, c);
    assert.match(r.stderr, /no profiles in/);
  }
  const noDir = run('top');
  assert.equal(noDir.status, 2);
  assert.match(noDir.stderr, /which directory\?/);
});

test('--version prints the package version and exits 0', () => {
  const { version } = require('../package.json');
  for (const flag of ['--version', '-v']) {
    const r = run(flag);
    assert.equal(r.status, 0, flag);
    assert.equal(r.stdout, `${version}\n`);
  }
});

test('every error names the command first, in one form', () => {
  // A setting the demo's profiler cannot use: a data error, exit 1.
  const config = spawnSync(process.execPath, [cli, 'demo', '--seconds', '1', '--out', path.join(os.tmpdir(), `spanprof-demo-cfg-${process.pid}`)], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, SPANPROF_LOG_LEVEL: 'loud' },
  });
  assert.equal(config.status, 1);
  assert.equal(config.stderr, 'spanprof demo: SPANPROF_LOG_LEVEL: "loud" is not accepted; use one of debug, info, warn, error, silent\n');
  const label = run('top', os.tmpdir(), '--label', 'tenant');
  assert.equal(label.status, 2);
  assert.match(label.stderr, /^spanprof top: --label takes KEY=VALUE, such as --label tenant=acme; got 'tenant'\n/);
  for (const r of [config, label, run('profile'), run('demo', '--seconds', 'ten'), run('top')]) {
    const first = r.stderr.split('\n')[0];
    assert.match(first, /^spanprof( (demo|report|top))?: /, first);
  }
});
