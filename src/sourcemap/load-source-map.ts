import * as fs from 'node:fs';
import * as nodeModule from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AnyMap, decodedMappings, type TraceMap } from '@jridgewell/trace-mapping';
import { readMapComment } from './map-comment';

/** What is known about one script's source map. */
export type ScriptMap =
  | { readonly kind: 'map'; readonly map: TraceMap }
  /** The script names no map: plain JavaScript, nothing to note. */
  | { readonly kind: 'none' }
  /** The script names a map that cannot be used. */
  | { readonly kind: 'failed'; readonly reason: string };

const NONE: ScriptMap = { kind: 'none' };

/**
 * Loads the source map of one script, trying in order:
 * 1. the map Node keeps when it runs with `--enable-source-maps` (no I/O);
 * 2. the script's `sourceMappingURL` comment: an inline `data:` URL, or a
 *    path or `file:` URL relative to the script;
 * 3. `<script>.map` next to it, for builds that write maps without the comment.
 * Never throws.
 */
export function loadScriptMap(url: string, scriptPath: string): ScriptMap {
  try {
    const kept = nodeKeptMap(url);
    if (kept !== undefined) return parsed(kept, url);
    const ref = readMapComment(scriptPath);
    if (ref !== null) return fromReference(ref, scriptPath);
    const sibling = `${scriptPath}.map`;
    return fs.existsSync(sibling) ? parsed(readJson(sibling), sibling) : NONE;
  } catch (err) {
    return failed(err);
  }
}

/** Undefined unless Node was started with source maps enabled and has this script's map. */
function nodeKeptMap(url: string): unknown {
  if (typeof nodeModule.findSourceMap !== 'function') return undefined;
  return nodeModule.findSourceMap(url)?.payload;
}

function fromReference(ref: string, scriptPath: string): ScriptMap {
  if (ref.startsWith('data:')) return parsed(JSON.parse(decodeDataUrl(ref)), scriptPath);
  const target = new URL(ref, pathToFileURL(scriptPath));
  if (target.protocol !== 'file:') {
    return { kind: 'failed', reason: `map at ${target.href} is not a local file` };
  }
  const mapPath = fileURLToPath(target);
  return parsed(readJson(mapPath), mapPath);
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * `mapUrl` anchors the map's relative `sources`. The mappings are decoded
 * here rather than on the first lookup so that a corrupt map fails once,
 * at load, and is noted with its script.
 */
function parsed(json: unknown, mapUrl: string): ScriptMap {
  if (!looksLikeSourceMap(json)) {
    return { kind: 'failed', reason: 'not a source map: no `sources` and `mappings`, nor `sections`' };
  }
  const map = new AnyMap(json as ConstructorParameters<typeof AnyMap>[0], mapUrl);
  decodedMappings(map);
  return { kind: 'map', map };
}

/** Checked before use, so that a wrong file is named as such rather than by a TypeError. */
function looksLikeSourceMap(json: unknown): boolean {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  const map = json as Record<string, unknown>;
  return Array.isArray(map.sections) || (Array.isArray(map.sources) && typeof map.mappings === 'string');
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

function failed(err: unknown): ScriptMap {
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'failed', reason: message.split('\n')[0] };
}
