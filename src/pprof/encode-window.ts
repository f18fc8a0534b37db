import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import type { Profile } from 'pprof-format';
import type { ProfileWindow } from '../window/profile-window';
import { PassThroughFrameMapper } from '../sourcemap/create-frame-mapper';
import type { FrameMapper, GeneratedFrame, MappedFrame } from '../sourcemap/types';
import { buildWithFunctions, nodeFunctions, type NodeFunction } from './build-profiles';
import { SERIES_NAME, type EncodedProfile, type EncodedWindow, type ProfileKind } from './encoded-window';
import { timed, type ProfiledThreadCost } from './profiled-thread-cost';

const gzipAsync = promisify(gzip);

export interface EncodeOptions {
  /** Also encode the wall-clock profile. Default false. */
  readonly wall?: boolean;
  /** Source maps and short paths for JavaScript frames; unused when `functions` are given. */
  readonly frames?: FrameMapper;
  /** The nodes' functions, already resolved elsewhere (on the thread that has the mapper). */
  readonly functions?: readonly (NodeFunction | undefined)[];
}

/**
 * Encodes a window as gzip'd pprof: the CPU profile, and the wall profile
 * when asked. Mapping, building and protobuf encoding run as one
 * synchronous step, whose time is added to `cost`; gzip runs on libuv's
 * thread pool.
 */
export async function encodeWindow(
  window: ProfileWindow,
  options: EncodeOptions = {},
  cost?: ProfiledThreadCost,
): Promise<EncodedWindow> {
  const encoded = timed(cost, () => {
    const functions = options.functions ?? nodeFunctions(window, options.frames);
    const built = buildWithFunctions(window, functions, options.wall === true);
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

/**
 * encodeWindow without yielding: for the moment the process exits, when no
 * callback, worker or thread-pool job will run again. Frames are asked of
 * `frames` directly (`map` answers from what it holds, or on this thread),
 * never through its worker.
 */
export function encodeWindowSync(window: ProfileWindow, options: Omit<EncodeOptions, 'functions'> = {}): EncodedWindow {
  const frames = options.frames && framesAtExit(options.frames);
  const built = buildWithFunctions(window, nodeFunctions(window, frames), options.wall === true);
  const profiles: EncodedProfile[] = [encodeProfileSync('cpu', built.cpu)];
  if (built.wall) profiles.push(encodeProfileSync('wall', built.wall));
  return {
    startEpochNs: window.startEpochNs,
    endEpochNs: window.endEpochNs,
    profiles,
    summary: built.summary,
  };
}

/** A frame mapper that can say what it already knows without loading anything. */
interface KnownFrames {
  /** The answer held in memory for `frame`, if any; never reads or parses a map. */
  mapKnown?(frame: GeneratedFrame): MappedFrame | undefined;
}

/**
 * The frames for an encode at exit: answers the mapper already holds, and
 * generated locations (paths shortened) for the rest, so that a large map
 * is never read and parsed while the process exits. A mapper that cannot
 * tell what it holds maps as usual, on this thread.
 */
function framesAtExit(frames: FrameMapper & KnownFrames): FrameMapper {
  const mapKnown = frames.mapKnown?.bind(frames);
  if (mapKnown === undefined) return frames;
  const generated = new PassThroughFrameMapper(process.cwd());
  return { map: (frame) => mapKnown(frame) ?? generated.map(frame) };
}

function encodeProfileSync(kind: ProfileKind, profile: Profile): EncodedProfile {
  return { kind, seriesName: SERIES_NAME[kind], gzip: gzipSync(profile.encode()) };
}
