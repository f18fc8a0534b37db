import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { ProfileWindow } from '../profile/window';
import type { FrameMapper } from '../sourcemap/types';
import { buildWithFunctions, nodeFunctions, type NodeFunction } from './build-profiles';
import { SERIES_NAME, type EncodedProfile, type EncodedWindow, type ProfileKind } from './encoded-window';
import { timed, type MainThreadCost } from './main-thread-cost';

const gzipAsync = promisify(gzip);

export interface CountedEncodeOptions {
  readonly wall: boolean;
  /** Maps the nodes' frames; unused when `functions` are given. */
  readonly frames?: FrameMapper;
  /** The nodes' functions, already resolved elsewhere. */
  readonly functions?: readonly (NodeFunction | undefined)[];
}

/**
 * Encodes a window on the calling thread and adds the time it held that
 * thread to `cost`. Mapping, building and protobuf encoding run as one
 * synchronous step, so that all of it is counted; gzip runs on libuv's
 * thread pool.
 */
export async function encodeCounted(
  window: ProfileWindow,
  options: CountedEncodeOptions,
  cost?: MainThreadCost,
): Promise<EncodedWindow> {
  const encoded = timed(cost, () => {
    const functions = options.functions ?? nodeFunctions(window, options.frames);
    const built = buildWithFunctions(window, functions, options.wall);
    const out: [ProfileKind, Uint8Array][] = [['cpu', built.cpu.encode()]];
    if (built.wall) out.push(['wall', built.wall.encode()]);
    return { out, summary: built.summary };
  });
  const profiles: EncodedProfile[] = [];
  for (const [kind, bytes] of encoded.out) {
    profiles.push({ kind, seriesName: SERIES_NAME[kind], gzip: await gzipAsync(bytes) });
  }
  return { startEpochNs: window.startEpochNs, endEpochNs: window.endEpochNs, profiles, summary: encoded.summary };
}
