#!/usr/bin/env node
'use strict';
// What source mapping adds to the main thread per window.
//
// Generates a TypeScript app with thousands of functions that call each
// other through a dispatch table (so most keep frames of their own), builds
// it the ways apps ship (tsc per file, an esbuild bundle, a minified bundle,
// the bundle under --enable-source-maps), profiles each build in a fresh
// process with the real sampler, and maps every distinct frame of each
// window as a profiler does: on spanprof's helper thread, which reads and
// traces the maps (`mapFrames`, the mapping step of a window's encoding).
// Reported per window: the main thread's CPU time in all of that (what the
// app loses: the stretches the hand-over blocked it, or the map() calls when
// everything runs on the main thread), the
// longest single stretch, and the wall time until the window is mapped. The first
// window starts with nothing loaded (cold); later ones are warm. One more
// row maps the bundle without prepare, everything on the main thread, for
// comparison.
//
//   node bench/sourcemap-cost.js [--modules 40] [--functions 100] [--window-ms 10000] [--windows 4] [--verbose]
//
// Needs a build: npx node-gyp rebuild && npx tsc -p .
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { parseArgs } = require('node:util');

const REPO = path.resolve(__dirname, '..');

function main() {
  const { values } = parseArgs({
    options: {
      modules: { type: 'string', default: '40' },
      functions: { type: 'string', default: '100' },
      'window-ms': { type: 'string', default: '10000' },
      windows: { type: 'string', default: '4' },
      child: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (values.child) {
    child(JSON.parse(values.child)).catch((err) => {
      console.error(err);
      process.exit(1);
    });
    return;
  }

  const modules = Number(values.modules);
  const perModule = Number(values.functions);
  const windowMs = Number(values['window-ms']);
  const windows = Number(values.windows);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-sourcemap-cost-'));
  try {
    generateApp(root, modules, perModule);
    const layouts = buildLayouts(root);
    console.log(`${modules * perModule} generated functions in ${modules} modules; ` +
      `${windows} windows of ${windowMs} ms; node ${process.version}`);
    const rows = [];
    for (const layout of layouts) {
      const args = { entry: layout.entry, root, windowMs, windows, prepare: layout.prepare };
      const r = spawnSync(process.execPath, [...layout.flags, __filename, '--child', JSON.stringify(args)], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`${layout.name} failed:\n${r.stdout}${r.stderr}`);
      rows.push({ layout: layout.name, maps: layout.maps, ...JSON.parse(r.stdout) });
    }
    report(rows, values.verbose);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** src/mod<m>.ts with `perModule` functions each, a shared dispatch table, and an entry. */
function generateApp(root, modules, perModule) {
  const src = path.join(root, 'src');
  fs.mkdirSync(src, { recursive: true });
  const total = modules * perModule;
  fs.writeFileSync(path.join(src, 'table.ts'),
    'export type Step = (x: number, depth: number) => number;\nexport const steps: Step[] = [];\n');
  const imports = [];
  for (let m = 0; m < modules; m++) {
    const lines = ["import { steps } from './table';", ''];
    for (let f = 0; f < perModule; f++) {
      const id = m * perModule + f;
      lines.push(
        `export function step_${m}_${f}(x: number, depth: number): number {`,
        `  let acc = x * ${(id % 7) + 1};`,
        `  for (let i = 0; i < ${20 + (id % 30)}; i++) acc = (acc * 31 + i) % 1000003;`,
        '  if (depth <= 0) return acc;',
        `  const a = steps[(acc + ${id}) % ${total}](acc, depth - 1);`,
        `  return a + steps[(acc * 7 + ${id * 13}) % ${total}](a, depth - 2);`,
        '}',
        '',
      );
    }
    lines.push(`steps.push(${Array.from({ length: perModule }, (_, f) => `step_${m}_${f}`).join(', ')});`, '');
    fs.writeFileSync(path.join(src, `mod${m}.ts`), lines.join('\n'));
    imports.push(`import './mod${m}';`);
  }
  fs.writeFileSync(path.join(src, 'main.ts'), [
    ...imports,
    "import { steps } from './table';",
    '',
    'export function serve(durationMs: number): number {',
    '  const end = Date.now() + durationMs;',
    '  let x = 1;',
    `  for (let n = 0; Date.now() < end; n++) x = steps[(n * 2654435761) % ${total}](x + n, 7) % 1000003;`,
    '  return x;',
    '}',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'commonjs', rootDir: 'src', outDir: 'out', strict: true, sourceMap: true, types: [],
    },
    include: ['src/**/*.ts'],
  }));
}

function buildLayouts(root) {
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/lib/tsc.js', { paths: [REPO] }),
    '-p', path.join(root, 'tsconfig.json')], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}`);
  const esbuild = require(require.resolve('esbuild', { paths: [REPO] }));
  const bundle = (outfile, minify) => {
    const file = path.join(root, outfile);
    esbuild.buildSync({
      entryPoints: [path.join(root, 'src', 'main.ts')], bundle: true, platform: 'node', format: 'cjs',
      sourcemap: true, minify, outfile: file, logLevel: 'silent',
    });
    return file;
  };
  const out = path.join(root, 'out');
  const outMaps = fs.readdirSync(out).filter((f) => f.endsWith('.map')).map((f) => path.join(out, f));
  const bundled = bundle('dist/main.js', false);
  const minified = bundle('dist-min/main.js', true);
  const sizes = (files) => `${files.length} × ${mib(files.reduce((n, f) => n + fs.statSync(f).size, 0))}`;
  return [
    { name: 'tsc, one map per file', entry: path.join(out, 'main.js'), flags: [], maps: sizes(outMaps), prepare: true },
    { name: 'esbuild bundle', entry: bundled, flags: [], maps: sizes([`${bundled}.map`]), prepare: true },
    { name: 'esbuild bundle, minified', entry: minified, flags: [], maps: sizes([`${minified}.map`]), prepare: true },
    { name: 'bundle, --enable-source-maps', entry: bundled, flags: ['--enable-source-maps'],
      maps: sizes([`${bundled}.map`]), prepare: true },
    { name: 'bundle, all on the main thread (no prepare)', entry: bundled, flags: [],
      maps: sizes([`${bundled}.map`]), prepare: false },
  ];
}

/** In a fresh process: profile the app and time the mapping of each window. */
async function child({ entry, root, windowMs, windows, prepare }) {
  const { loadNative, ThreadSampler, createFrameMapper, BackgroundEncoder } = require(path.join(REPO, 'dist/internal'));
  const native = loadNative();
  if (!native.ok) throw new Error(native.reason);
  const cpuNow = () => native.binding.threadCpuNs() / 1e6;
  const app = require(entry);
  const sampler = new ThreadSampler(native.binding);
  const notes = [];
  const mapper = createFrameMapper({ root, logger: { debug: (m) => notes.push(m) } });
  const helper = prepare
    ? new BackgroundEncoder({ wall: false, frames: mapper }, (r) => notes.push(`helper thread failed: ${r}`))
    : undefined;
  sampler.start();
  // The probe's own noise: what it finds while nothing but the sampler runs.
  const quiet = await mainThreadBlocks(() => new Promise((resolve) => setTimeout(resolve, 1000)), cpuNow);
  const noiseMsPerS = sum(quiet.slice(1));
  const results = [];
  const seen = new Set();
  for (let i = 0; i < windows; i++) {
    app.serve(windowMs);
    const w = sampler.collect();
    const frames = distinctFrames(w);
    const fresh = frames.filter((f) => !seen.has(keyOf(f)));
    for (const f of fresh) seen.add(keyOf(f));
    const t0 = now();
    let answers;
    const blocks = helper
      ? await mainThreadBlocks(() => helper.mapFrames(frames).then((a) => (answers = a)), cpuNow)
      : [];
    const cpu1 = cpuNow();
    answers ??= frames.map((f) => mapper.map(f));
    const mapped = answers.filter((a) => a.mapped).length;
    const mapMs = cpuNow() - cpu1;
    const t2 = now();
    results.push({
      prepareMs: sum(blocks), longestMs: Math.max(0, ...blocks), mapMs, wallMs: t2 - t0,
      frames: frames.length, fresh: fresh.length, mapped, samples: w.samples.node.length,
    });
  }
  sampler.stop();
  await helper?.close();
  await mapper.close();
  process.stdout.write(JSON.stringify({ results, notes, noiseMsPerS }));
}

const now = () => performance.now();
const sum = (list) => list.reduce((a, b) => a + b, 0);

/** CPU used between two probe ticks beyond this is a stretch that held the app up. */
const BLOCK_MS = 0.2;

/**
 * The main thread's CPU time in stretches that blocked it while `run()`
 * and the promise it returns ran: the synchronous call itself, then every
 * gap between ticks of a 1 ms probe timer in which the thread used more
 * than BLOCK_MS of CPU. Thread CPU time, not wall time, so that a busy
 * machine preempting the thread does not count; and not the event loop's
 * utilization counter, which the sampler's signals make count nearly the
 * whole wait as active.
 */
async function mainThreadBlocks(run, cpuNow) {
  const start = cpuNow();
  const promise = run();
  const blocks = [cpuNow() - start];
  let last = cpuNow();
  const probe = setInterval(() => {
    const t = cpuNow();
    if (t - last > BLOCK_MS) blocks.push(t - last);
    last = t;
  }, 1);
  await promise;
  clearInterval(probe);
  const t = cpuNow();
  if (t - last > BLOCK_MS) blocks.push(t - last);
  return blocks;
}

const keyOf = (f) => `${f.name}\0${f.url}\0${f.line}\0${f.column}`;

/** The window's distinct (name, url, line, column) frames: what an encoder maps. */
function distinctFrames(w) {
  const seen = new Map();
  for (let n = 0; n < w.nodes.name.length; n++) {
    const url = w.strings[w.nodes.url[n]];
    const key = `${w.nodes.name[n]}\0${url}\0${w.nodes.line[n]}\0${w.nodes.column[n]}`;
    if (!seen.has(key)) {
      seen.set(key, { name: w.strings[w.nodes.name[n]], url, line: w.nodes.line[n], column: w.nodes.column[n] });
    }
  }
  return [...seen.values()];
}

function report(rows, verbose) {
  console.log('');
  console.log('Main-thread CPU time per window = the hand-over to the helper thread (its blocking stretches), or map() of every frame when all runs on the main thread.');
  const noise = rows.map((r) => r.noiseMsPerS);
  console.log(`The probe finds ${ms(Math.min(...noise))}–${ms(Math.max(...noise))} per second in an idle wait: ` +
    'count that against the hand-over on a slow cold window.');
  console.log('');
  console.log('| build | maps | frames/window (mapped) | cold: total (longest stretch) | warm p50 | warm max | ' +
    'wall until mapped: cold | warm p50 |');
  console.log('|---|---|---|---|---|---|---|---|');
  const total = (r) => r.prepareMs + r.mapMs;
  for (const row of rows) {
    const [cold, ...warm] = row.results;
    const busy = warm.map(total).sort((a, b) => a - b);
    const wall = warm.map((r) => r.wallMs).sort((a, b) => a - b);
    const mid = (list) => list[Math.floor((list.length - 1) / 2)];
    const frames = mid(row.results.map((r) => r.frames).sort((a, b) => a - b));
    const mapped = mid(row.results.map((r) => r.mapped).sort((a, b) => a - b));
    const longest = Math.max(cold.longestMs, cold.mapMs);
    console.log(`| ${row.layout} | ${row.maps} | ${frames} (${mapped}) | ${ms(total(cold))} (${ms(longest)}) | ` +
      `${ms(mid(busy))} | ${ms(busy[busy.length - 1])} | ${ms(cold.wallMs)} | ${ms(mid(wall))} |`);
    if (verbose) {
      console.log(`  probe noise: ${ms(row.noiseMsPerS)} per second of waiting`);
      for (const r of row.results) {
        console.log(`  window: ${r.frames} frames, ${r.fresh} new; prepare ${ms(r.prepareMs)} ` +
          `(longest ${ms(r.longestMs)}), map ${ms(r.mapMs)}; wall ${ms(r.wallMs)}`);
      }
    }
    for (const note of row.notes) console.log(`  note: ${note}`);
  }
}

const ms = (v) => (v === undefined ? '–' : `${v.toFixed(2)} ms`);
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

main();
