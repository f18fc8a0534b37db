import * as fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readMapComment } from './map-comment';
import { NO_MAP, failedMap, scriptMapOf, type ScriptMap } from './script-map';
import { scriptFilePath } from './script-path';

/**
 * The source map a script's file leads to:
 * 1. its `sourceMappingURL` comment: an inline `data:` URL, or a path or
 *    `file:` URL relative to the script;
 * 2. else `<script>.map` next to it, for builds that write maps without the
 *    comment.
 * Scripts with no file of their own (`node:` internals, eval) have none.
 * Never throws.
 */
export function loadDiskMap(url: string): ScriptMap {
  const scriptPath = scriptFilePath(url);
  if (scriptPath === null) return NO_MAP;
  try {
    const ref = readMapComment(scriptPath);
    if (ref !== null) return fromReference(ref, scriptPath);
    const sibling = `${scriptPath}.map`;
    return fs.existsSync(sibling) ? scriptMapOf(readJson(sibling), sibling) : NO_MAP;
  } catch (err) {
    return failedMap(err);
  }
}

function fromReference(ref: string, scriptPath: string): ScriptMap {
  if (ref.startsWith('data:')) return scriptMapOf(JSON.parse(decodeDataUrl(ref)), scriptPath);
  const target = new URL(ref, pathToFileURL(scriptPath));
  if (target.protocol !== 'file:') {
    return { kind: 'failed', reason: `map at ${target.href} is not a local file` };
  }
  const mapPath = fileURLToPath(target);
  return scriptMapOf(readJson(mapPath), mapPath);
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** `data:[<mediatype>][;base64],<data>` → the data as text. */
function decodeDataUrl(ref: string): string {
  const comma = ref.indexOf(',');
  if (comma < 0) throw new Error('malformed data: URL');
  const meta = ref.slice('data:'.length, comma);
  const body = ref.slice(comma + 1);
  return meta.split(';').includes('base64')
    ? Buffer.from(body, 'base64').toString('utf8')
    : decodeURIComponent(body);
}
