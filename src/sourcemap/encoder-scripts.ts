import * as path from 'node:path';
import { installedPackage, packageRequire } from '../package/installed-package';
import { scriptFilePath } from './script-path';

/** The packages a window's encode runs on the profiled thread. */
const ENCODER_PACKAGES = ['pprof-format', '@jridgewell/trace-mapping', '@jridgewell/sourcemap-codec', '@jridgewell/resolve-uri'];

let folders: readonly string[] | undefined;

/**
 * Whether a script is spanprof's own or one of the packages it runs to
 * encode a window. Their frames keep generated locations: a window encoded
 * on the profiled thread shows up in the next window, and mapping its frames
 * would have every window read and decode the maps of the code that encoded
 * the one before, for frames that are the profiler's, not the app's.
 */
export function isEncoderScript(url: string): boolean {
  const file = scriptFilePath(url);
  if (file === null) return false;
  folders ??= encoderFolders();
  for (const folder of folders) if (file.startsWith(folder)) return true;
  return false;
}

/** The folders of those scripts, each ending in a separator; none that cannot be found. */
function encoderFolders(): string[] {
  const pkg = installedPackage();
  // A bundle holds the app's code too: only an installed package is a folder of spanprof's own.
  if (!pkg.ok || pkg.bundled) return [];
  const found = [path.join(pkg.root, 'dist') + path.sep];
  const resolve = packageRequire(pkg.root).resolve;
  for (const name of ENCODER_PACKAGES) {
    try {
      const entry = resolve(name);
      const marker = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`;
      const at = entry.lastIndexOf(marker);
      if (at >= 0) found.push(entry.slice(0, at + marker.length));
    } catch {
      // Not installed where spanprof resolves it: nothing to leave out.
    }
  }
  return found;
}
