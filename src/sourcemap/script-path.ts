import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The file behind a script URL as V8 reports it: an absolute path (CommonJS)
 * or a `file://` URL (ESM). Null for scripts that have no file of their own:
 * `node:` internals, eval'd code, wasm, or no URL at all.
 */
export function scriptFilePath(url: string): string | null {
  if (url.startsWith('file:')) {
    try {
      return fileURLToPath(url);
    } catch {
      return null;
    }
  }
  return path.isAbsolute(url) ? url : null;
}
