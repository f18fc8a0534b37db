import { AnyMap, decodedMappings, type TraceMap } from '@jridgewell/trace-mapping';

/** What is known about one script's source map. */
export type ScriptMap =
  | { readonly kind: 'map'; readonly map: TraceMap }
  /** The script names no map: plain JavaScript, nothing to note. */
  | { readonly kind: 'none' }
  /** The script names a map that cannot be used. */
  | { readonly kind: 'failed'; readonly reason: string };

export const NO_MAP: ScriptMap = { kind: 'none' };

/**
 * A parsed source map, ready for lookups. `mapUrl` anchors the map's
 * relative `sources`. The mappings are decoded here rather than on the first
 * lookup so that a corrupt map fails once, at load, and is noted with its
 * script. Never throws.
 */
export function scriptMapOf(json: unknown, mapUrl: string): ScriptMap {
  try {
    if (!looksLikeSourceMap(json)) {
      return { kind: 'failed', reason: 'not a source map: no `sources` and `mappings`, nor `sections`' };
    }
    const map = new AnyMap(json as ConstructorParameters<typeof AnyMap>[0], mapUrl);
    decodedMappings(map);
    return { kind: 'map', map };
  } catch (err) {
    return failedMap(err);
  }
}

export function failedMap(err: unknown): ScriptMap {
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'failed', reason: message.split('\n')[0] };
}

/** Checked before use, so that a wrong file is named as such rather than by a TypeError. */
function looksLikeSourceMap(json: unknown): boolean {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  const map = json as Record<string, unknown>;
  return Array.isArray(map.sections) || (Array.isArray(map.sources) && typeof map.mappings === 'string');
}
