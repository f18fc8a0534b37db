'use strict';
// Peak RSS of a process with spanprof started against the same process
// without it: light work across a few windows, alternating runs, medians.
//
//   node bench/worker-rss.js [--runs 5] [--dist path/to/dist] [--source-maps false]
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const CHILD = `
const [dist, mode, out, sourceMaps] = process.argv.slice(1);
const handle = mode === 'on'
  ? require(dist).start({ serviceName: 'rss', outputDir: out, windowMs: 400, sourceMaps: sourceMaps !== 'false', logLevel: 'error' })
  : undefined;
let x = 0;
function work() { const o = []; for (let i = 0; i < 2000; i++) o.push({ i, s: String(i * 7) }); x += JSON.stringify(o).length; }
const until = Date.now() + 2500;
(function tick() {
  work();
  if (Date.now() < until) setTimeout(tick, 5);
  else Promise.resolve(handle && handle.stop()).then(() => {
    console.log(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, windows: handle ? handle.stats().profiler.windows : 0 }));
  });
})();
`;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const runs = Number(arg('runs', '5'));
const dist = path.resolve(arg('dist', path.join(__dirname, '..', 'dist')));
const sourceMaps = arg('source-maps', 'true');
const rss = { off: [], on: [] };
const deltas = [];
for (let r = 0; r < runs; r++) {
  const pair = {};
  for (const mode of r % 2 === 0 ? ['off', 'on'] : ['on', 'off']) {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-rss-'));
    const p = spawnSync(process.execPath, ['-e', CHILD, dist, mode, out, sourceMaps], { encoding: 'utf8' });
    fs.rmSync(out, { recursive: true, force: true });
    if (p.status !== 0) throw new Error(p.stderr);
    const res = JSON.parse(p.stdout.trim().split('\n').pop());
    if (mode === 'on' && res.windows < 3) throw new Error(`only ${res.windows} windows`);
    pair[mode] = res.maxRssKiB / 1024;
    rss[mode].push(pair[mode]);
  }
  deltas.push(pair.on - pair.off);
}
const fmt = (xs) => xs.map((v) => v.toFixed(1)).join(' ');
console.log(`peak RSS MiB without spanprof: median ${median(rss.off).toFixed(1)} (${fmt(rss.off)})`);
console.log(`peak RSS MiB with spanprof:    median ${median(rss.on).toFixed(1)} (${fmt(rss.on)})`);
console.log(`delta per pair MiB: median ${median(deltas).toFixed(1)} (${fmt(deltas)})`);
