import { loadDiskMap } from './disk-map';
import { nodeKeptPayload } from './node-kept-map';
import { scriptMapOf, type ScriptMap } from './script-map';

/**
 * A script's source map found on the calling thread: through its file first,
 * then among the maps Node keeps. Files come first because asking Node makes
 * it parse the map on this thread; they are also what the helper thread can read.
 * Never throws.
 */
export function loadScriptMap(url: string): ScriptMap {
  const disk = loadDiskMap(url);
  if (disk.kind === 'map') return disk;
  const kept = nodeKeptPayload(url);
  return kept === undefined ? disk : scriptMapOf(kept, url);
}
