/**
 * The map worker: loads source maps and traces frames for the main thread,
 * which would otherwise stall for as long as reading and decoding a large
 * bundle's map takes. It reads maps from files only; the main thread sends
 * the maps Node kept for scripts whose files had none.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadDiskMap } from './disk-map';
import { buffersOf, packMapped, unpackFrames } from './frame-batch';
import { scriptMapOf } from './script-map';
import { scriptFilePath } from './script-path';
import { SourceMapFrameMapper } from './source-map-frame-mapper';
import type { MapReply, MapRequest, MapWorkerSetup, UnmappedScript } from './worker-protocol';

const { root } = workerData as MapWorkerSetup;
let unmapped: UnmappedScript[] = [];

const mapper = new SourceMapFrameMapper(
  root,
  (url) => {
    const script = loadDiskMap(url);
    // Node keeps maps only for scripts loaded from files or file URLs.
    if (script.kind === 'none' && scriptFilePath(url) !== null) unmapped.push({ url });
    return script;
  },
  (url, reason) => unmapped.push({ url, reason }),
);

parentPort?.on('message', (request: MapRequest) => {
  unmapped = [];
  for (const { url, payload } of request.install ?? []) mapper.use(url, scriptMapOf(payload, url));
  const results = packMapped(unpackFrames(request.frames).map((f) => mapper.map(f)));
  const reply: MapReply = { id: request.id, results, unmapped };
  parentPort?.postMessage(reply, buffersOf(results));
});
