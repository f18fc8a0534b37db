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
    const map = new AnyMap(withoutSourcesContent(json) as ConstructorParameters<typeof AnyMap>[0], mapUrl);
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

/**
 * The map less the sources it embeds. Frames need positions and names only,
 * and a bundler's `sourcesContent` is often most of a map's bytes, which the
 * decoded map would keep for as long as the script is profiled.
 */
function withoutSourcesContent(json: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...json };
  delete copy.sourcesContent;
  if (Array.isArray(copy.sections)) {
    copy.sections = copy.sections.map((section: unknown) =>
      isObject(section) && isObject(section.map) ? { ...section, map: withoutSourcesContent(section.map) } : section,
    );
  }
  return copy;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checked before use, so that a wrong file is named as such rather than by a TypeError. */
function looksLikeSourceMap(json: unknown): json is Record<string, unknown> {
  return isObject(json) && (Array.isArray(json.sections) || (Array.isArray(json.sources) && typeof json.mappings === 'string'));
}
