'use strict';
// Copies the two browser builds the HTML report inlines (d3 and
// d3-flame-graph) into dist/vendor/, with their licences and a manifest.
// They are build-time dependencies only: an installed spanprof carries these
// two files instead of the 39 packages d3 brings with it.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist', 'vendor');

// Load order: d3-flame-graph's UMD build expects the global `d3`.
const LIBRARIES = [
  { name: 'd3', file: 'dist/d3.min.js' },
  { name: 'd3-flame-graph', file: 'dist/d3-flamegraph.umd.min.js' },
];

/** The installed directory of a package whose `exports` may hide package.json. */
function packageDir(name) {
  let dir = path.dirname(require.resolve(name, { paths: [root] }));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === name) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the installed package ${name}; run npm ci`);
    dir = up;
  }
}

fs.mkdirSync(out, { recursive: true });
const manifest = LIBRARIES.map(({ name, file }) => {
  const dir = packageDir(name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const script = `${name}.min.js`;
  const licence = `${name}.LICENSE`;
  fs.copyFileSync(path.join(dir, file), path.join(out, script));
  fs.copyFileSync(path.join(dir, 'LICENSE'), path.join(out, licence));
  return { name, version: pkg.version, license: pkg.license, file: script, licenseFile: licence };
});
fs.writeFileSync(path.join(out, 'libraries.json'), `${JSON.stringify(manifest, null, 2)}\n`);
