import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/**
 * Shortens a script path or URL for display in a profile:
 * - `node:` internals and non-file URLs are kept as they are;
 * - `file://` URLs become paths;
 * - anything inside a `node_modules` folder becomes `node_modules/<pkg>/...`,
 *   counted from the innermost `node_modules` so that nested, hoisted and
 *   pnpm layouts all read the same;
 * - paths inside `root` become relative to it; others stay absolute.
 */
export function shortenPath(file: string, root: string): string {
  if (file === '') return file;
  let p = file;
  if (p.startsWith('file:')) {
    try {
      p = fileURLToPath(p);
    } catch {
      return file;
    }
  } else if (!path.isAbsolute(p)) {
    // `node:fs`, `webpack://app/src/x.ts`, `evalmachine.<anonymous>`, or a
    // relative path: there is nothing to anchor it to, so leave it.
    return file;
  }
  p = path.normalize(p);
  const inner = p.lastIndexOf(NODE_MODULES);
  if (inner >= 0) return toSlashes(p.slice(inner + 1));
  const rel = path.relative(path.resolve(root), p);
  if (rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel)) {
    return toSlashes(rel);
  }
  return toSlashes(p);
}

/** Profiles are read on any platform: show `/` separators. */
function toSlashes(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/**
 * shortenPath with memory: a profile names the same few scripts and sources
 * over and over, and resolving a path costs microseconds each time.
 */
export class ShortPaths {
  private readonly known = new Map<string, string>();

  constructor(private readonly root: string) {}

  of(file: string): string {
    let short = this.known.get(file);
    if (short === undefined) {
      short = shortenPath(file, this.root);
      this.known.set(file, short);
    }
    return short;
  }
}
