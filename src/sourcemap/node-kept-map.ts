import * as nodeModule from 'node:module';

/**
 * The raw source map Node keeps for a script when it runs with
 * `--enable-source-maps` (or `process.setSourceMapsEnabled(true)`), as JSON
 * with absolute `sources`; undefined when it has none. Node parses a map the
 * first time it is asked for it, on the calling thread, so this is asked
 * only for scripts whose files lead to no usable map: code a loader
 * transformed in memory (tsx, ts-node, type stripping), or maps deleted
 * since the script was loaded. Only the thread that loaded a script knows
 * its map. Never throws.
 */
export function nodeKeptPayload(url: string): unknown {
  try {
    if (process.sourceMapsEnabled === false || typeof nodeModule.findSourceMap !== 'function') return undefined;
    return nodeModule.findSourceMap(url)?.payload;
  } catch {
    return undefined;
  }
}
