import { createRequire } from 'node:module';
import * as path from 'node:path';
import { installedPackage, packageRequire } from '../package/installed-package';
import { layoutDifferences } from './layout';
import type { NativeBinding } from './types';

export type NativeLoadResult =
  | { readonly ok: true; readonly binding: NativeBinding }
  | { readonly ok: false; readonly reason: string };

let cached: NativeLoadResult | undefined;

const SUPPORTED_PLATFORMS = new Set(['linux', 'darwin']);

/**
 * Node majors the sampler is built and tested on; package.json `engines`
 * says the same. The addon calls V8's C++ API, whose behaviour around the
 * profiler and signal handling is only known for these V8 versions, so a
 * binary someone built for another major is not loaded either.
 */
export const SUPPORTED_NODE_MAJORS = { min: 20, max: 26 } as const;

// node-addon-api is only needed to compile, so it is an optional peer
// dependency: the app installs it when it builds from source.
function buildFromSource(root: string): string {
  return (
    'build it from source: `npm install --save-dev node-addon-api node-gyp` in your app, ' +
    `then \`npx node-gyp rebuild\` run in ${root} (needs python3, make and a C++ compiler)`
  );
}

/**
 * Loads the addon once. Never throws: a platform without SIGPROF or a Node
 * ABI without a binary gets a reason, and the caller runs a no-op profiler.
 */
export function loadNative(): NativeLoadResult {
  if (cached) return cached;
  if (!SUPPORTED_PLATFORMS.has(process.platform)) {
    cached = {
      ok: false,
      reason: `spanprof samples with SIGPROF, which ${process.platform} does not have; supported: linux, darwin`,
    };
    return cached;
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major < SUPPORTED_NODE_MAJORS.min || major > SUPPORTED_NODE_MAJORS.max) {
    cached = {
      ok: false,
      reason:
        `spanprof supports Node ${SUPPORTED_NODE_MAJORS.min} to ${SUPPORTED_NODE_MAJORS.max}; ` +
        `this is Node v${process.versions.node}. Run on a supported Node to profile.`,
    };
    return cached;
  }
  // SPANPROF_ADDON names a binary to load instead: the sanitizer builds use it.
  const override = process.env.SPANPROF_ADDON;
  const installed = installedPackage();
  let root: string | undefined;
  if (override === undefined) {
    if (!installed.ok) {
      cached = { ok: false, reason: installed.reason };
      return cached;
    }
    root = installed.root;
  }
  try {
    const binding = (
      root === undefined
        ? requireFile(path.resolve(override ?? ''))
        : // node-gyp-build looks in build/Release first (a source build), then
          // prebuilds/<platform>-<arch>/ for this Node ABI. Both it and the
          // binary come from the installed package, also when this code runs
          // from an app's bundle.
          (packageRequire(root)('node-gyp-build') as (dir: string) => unknown)(root)
    ) as NativeBinding;
    if (String(binding.abi) !== process.versions.modules) {
      // A source build for another Node left in build/Release: using it
      // would end the process at its first V8 call.
      throw new Error(`the binary found was built for Node ABI ${String(binding.abi)}`);
    }
    const differences = layoutDifferences(binding.layout);
    if (differences.length > 0) {
      throw new Error(`the binary found is from another spanprof version (layout ${differences.join(', ')})`);
    }
    cached = { ok: true, binding };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    cached = {
      ok: false,
      reason:
        `no spanprof binary for Node ${process.version} (ABI ${process.versions.modules}, ` +
        `${process.platform}-${process.arch}): ${message}. To profile here, ` +
        `${buildFromSource(installed.ok ? installed.root : "spanprof's package folder")}.`,
    };
  }
  return cached;
}

/** Node's require of one file: a bundler would turn `require(variable)` into a lookup in its own table. */
function requireFile(file: string): unknown {
  return createRequire(file)(file);
}
