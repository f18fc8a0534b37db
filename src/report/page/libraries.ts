import * as fs from 'node:fs';
import * as path from 'node:path';
import { distPath } from './dist-path';

/** A browser script the report inlines, read from the installed package. */
export interface PageLibrary {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly source: string;
}

/**
 * The flame-graph library and the d3 build it runs on, in load order. Their
 * UMD builds define the globals `d3` and `flamegraph` that the page script
 * uses. The build copies them into dist/vendor/ with their licences and a
 * manifest (scripts/vendor-page-libraries.js), so the report needs neither
 * the network nor the d3 packages at run time.
 */
function vendorDir(): string {
  return distPath("the report's browser libraries", 'vendor');
}

interface VendoredLibrary {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly file: string;
}

let cached: readonly PageLibrary[] | undefined;

export function pageLibraries(): readonly PageLibrary[] {
  if (cached === undefined) {
    const dir = vendorDir();
    cached = (JSON.parse(fs.readFileSync(path.join(dir, 'libraries.json'), 'utf8')) as VendoredLibrary[]).map(
      ({ name, version, license, file }) => ({
        name,
        version,
        license,
        source: fs.readFileSync(path.join(dir, file), 'utf8'),
      }),
    );
  }
  return cached;
}
