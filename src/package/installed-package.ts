import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { VERSION } from '../version';

/**
 * Where the installed spanprof package is. The native binary and the helper
 * thread's script are files of that package, not modules a bundler can
 * carry, so a copy of spanprof compiled into an app's bundle borrows them
 * from the package installed beside the bundle.
 */
export type InstalledPackage =
  | {
      readonly ok: true;
      /** The folder holding spanprof's package.json. */
      readonly root: string;
      /** True when this code runs from a bundle, not from the package's own files. */
      readonly bundled: boolean;
    }
  | { readonly ok: false; readonly reason: string };

export const BUNDLED_NOT_INSTALLED =
  'spanprof was bundled; mark it as external (esbuild --external:spanprof, webpack externals, ' +
  'Rollup external) or install spanprof beside the bundle';

const NAME = 'spanprof';

let cached: InstalledPackage | undefined;

/** Finds the package once; never throws. */
export function installedPackage(): InstalledPackage {
  cached ??= locate();
  return cached;
}

/** A `require` that resolves as spanprof's own files do: its dependencies, its binary. */
export function packageRequire(root: string): NodeRequire {
  // createRequire, not `require`: bundlers rewrite `require` and
  // `require.resolve` into their own module tables; `node:module` stays Node's.
  return createRequire(path.join(root, 'package.json'));
}

function locate(): InstalledPackage {
  // Unbundled, this file is dist/package/installed-package.js. A bundle may
  // give __dirname as the bundle's folder, as '/' (webpack's mock), or not
  // at all (an ES module output).
  const ownDir = typeof __dirname === 'string' ? __dirname : undefined;
  if (ownDir !== undefined) {
    const own = path.resolve(ownDir, '..', '..');
    const manifest = manifestOf(own);
    // This file under its own name is the package's own copy, whatever the
    // package is called (a fork may rename it); in a bundle it has the bundle's.
    const ownFile = typeof __filename === 'string' && path.basename(__filename).startsWith('installed-package.');
    if (manifest !== undefined && (ownFile || manifest.name === NAME)) return { ok: true, root: own, bundled: false };
  }
  // Bundled: look where Node would find spanprof for the bundle itself, for
  // the main script, then for the working directory.
  const from = [ownDir, mainScriptDir(), workingDir()].filter((d): d is string => d !== undefined);
  for (const dir of new Set(from)) {
    const root = resolveFrom(dir);
    if (root === undefined) continue;
    const version = manifestOf(root)?.version;
    if (version !== VERSION) {
      return {
        ok: false,
        reason:
          `spanprof was bundled at version ${VERSION}, but the spanprof installed beside the bundle ` +
          `(${root}) is version ${String(version)}; mark it as external (esbuild --external:spanprof, ` +
          `webpack externals, Rollup external) or install spanprof@${VERSION} beside the bundle`,
      };
    }
    return { ok: true, root, bundled: true };
  }
  return { ok: false, reason: BUNDLED_NOT_INSTALLED };
}

function mainScriptDir(): string | undefined {
  const script = process.argv[1];
  return script !== undefined && path.isAbsolute(script) ? path.dirname(script) : undefined;
}

/** The working directory; none when it was removed under the process (process.cwd() throws then). */
function workingDir(): string | undefined {
  try {
    return process.cwd();
  } catch {
    return undefined;
  }
}

/** The root of the spanprof that Node resolves from `dir`, if any. */
function resolveFrom(dir: string): string | undefined {
  try {
    // The file named need not exist: it only sets where resolution starts.
    const manifest = createRequire(path.join(dir, 'resolve-from.js')).resolve(`${NAME}/package.json`);
    const root = path.dirname(manifest);
    return manifestOf(root)?.name === NAME ? root : undefined;
  } catch {
    return undefined;
  }
}

function manifestOf(dir: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}
