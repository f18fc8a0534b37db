import * as path from 'node:path';
import { installedPackage } from '../../package/installed-package';

/**
 * A path under the installed package's dist/, for the browser scripts the
 * report inlines: they are files the build writes, not modules a bundler
 * can carry, so a copy of spanprof compiled into an app's bundle reads them
 * from the package installed beside the bundle. `what` names them in the
 * error when there is no such package.
 */
export function distPath(what: string, ...segments: string[]): string {
  const installed = installedPackage();
  if (!installed.ok) throw new Error(`cannot find ${what}: ${installed.reason}`);
  return path.join(installed.root, 'dist', ...segments);
}
