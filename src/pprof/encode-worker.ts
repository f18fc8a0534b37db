/**
 * The encode worker: builds, encodes and gzips the profiles of a window off
 * the profiled thread. Building touches every sample and protobuf encoding
 * every message; on the main thread that was the largest part of the time
 * a window held the event loop.
 */
import { parentPort } from 'node:worker_threads';
import { encodeResolved } from './encode-window';
import type { EncodeReply, EncodeRequest, PortableProfile } from './encode-protocol';

parentPort?.on('message', (request: EncodeRequest) => {
  encodeResolved(request.window, request.functions, request.wall).then(
    (encoded) => {
      // A copy each: zlib's output may share a pooled ArrayBuffer, which must not be transferred.
      const profiles: PortableProfile[] = encoded.profiles.map((p) => ({
        kind: p.kind,
        seriesName: p.seriesName,
        gzip: new Uint8Array(p.gzip),
      }));
      const reply: EncodeReply = {
        id: request.id,
        ok: true,
        startEpochNs: encoded.startEpochNs,
        endEpochNs: encoded.endEpochNs,
        profiles,
        summary: encoded.summary,
      };
      parentPort?.postMessage(
        reply,
        profiles.map((p) => p.gzip.buffer as ArrayBuffer),
      );
    },
    (err: unknown) => {
      const reply: EncodeReply = { id: request.id, ok: false, message: err instanceof Error ? err.message : String(err) };
      parentPort?.postMessage(reply);
    },
  );
});
