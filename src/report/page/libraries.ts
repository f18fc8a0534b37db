import * as fs from 'node:fs';
import * as path from 'node:path';
import { installedPackage, packageRequire } from '../../package/installed-package';

/** A browser script the report inlines, read from the installed package. */
export interface PageLibrary {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly source: string;
}

/**
 * The flame-graph library and the d3 build it runs on, in load order. Both
 * are dependencies of this package; their UMD builds define the globals
 * `d3` and `flamegraph` that the page script uses. They are read from
 * node_modules when a report is written, so the report needs no network.
 */
const LIBRARIES: readonly { readonly name: string; readonly file: string }[] = [
  { name: 'd3', file: 'dist/d3.min.js' },
  { name: 'd3-flame-graph', file: 'dist/d3-flamegraph.umd.min.js' },
];

let cached: readonly PageLibrary[] | undefined;

export function pageLibraries(): readonly PageLibrary[] {
  cached ??= LIBRARIES.map(({ name, file }) => {
    const dir = packageDir(name);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      version?: string;
      license?: string;
    };
    return {
      name,
      version: pkg.version ?? '',
      license: pkg.license ?? '',
      source: fs.readFileSync(path.join(dir, file), 'utf8'),
    };
  });
  return cached;
}

/**
 * The installed directory of a package. Its `exports` may hide both
 * `package.json` and the file we want, so resolve its entry point and walk
 * up to the `package.json` that names it. Resolved from spanprof's own
 * package, whose dependencies they are, also when this code runs from a bundle.
 */
function packageDir(name: string): string {
  const installed = installedPackage();
  if (!installed.ok) throw new Error(`cannot find the installed package ${name}: ${installed.reason}`);
  let dir = path.dirname(packageRequire(installed.root).resolve(name));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string };
      if (pkg.name === name) return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the installed package ${name}`);
    dir = up;
  }
}
