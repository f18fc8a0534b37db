'use strict';
// Bundles the report page's modules (src/report-page/, type-checked by
// tsc -p src/report-page/tsconfig.json) into the one script the HTML report
// inlines: dist/report-page.js. It is built, not compiled by tsc with the
// rest of dist/, because the page runs in the browser as a single classic
// script: no module loader, no imports at run time.
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');

esbuild.buildSync({
  absWorkingDir: root,
  entryPoints: ['src/report-page/main.ts'],
  outfile: 'dist/report-page.js',
  bundle: true,
  platform: 'browser',
  // An IIFE keeps the page's names out of the global scope d3 shares.
  format: 'iife',
  target: 'es2020',
  // Its strict setting makes esbuild open the script with "use strict":
  // a classic script is not strict unless it says so.
  tsconfig: 'src/report-page/tsconfig.json',
  // Not minified: a report is a file people open and may read, the script
  // is small beside the minified d3 builds, and its CSP hash is taken from
  // whatever the file holds.
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
});
