import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import type { Profile } from 'pprof-format';
import type { ProfileWindow } from '../window/profile-window';
import { PassThroughFrameMapper } from '../sourcemap/create-frame-mapper';
import type { FrameMapper, GeneratedFrame, MappedFrame } from '../sourcemap/types';
import { WindowBuild, buildWithFunctions, nodeFunction, nodeFunctions, type NodeFunction } from './build-profiles';
import { encodeInParts } from './encode-in-parts';
import {
  SERIES_NAME,
  type EncodedProfile,
  type EncodedWindow,
  type ProfileKind,
  type WindowSummary,
} from './encoded-window';
import type { ProfiledThreadCost } from './profiled-thread-cost';
import { ThreadSlicer } from './thread-slicer';

const gzipAsync = promisify(gzip);

export interface EncodeOptions {
  /** Also encode the wall-clock profile. Default false. */
  readonly wall?: boolean;
  /** Source maps and short paths for JavaScript frames; unused when `functions` are given. */
  readonly frames?: FrameMapper;
  /** The nodes' functions, already resolved elsewhere (on the thread that has the mapper). */
  readonly functions?: readonly (NodeFunction | undefined)[];
  /**
   * Work on this thread in stretches of about this many milliseconds, with
   * a turn of the event loop between them. Default: one stretch.
   */
  readonly sliceMs?: number;
}

/** Samples added between two looks at the slicer's clock. */
const ITEMS_PER_RUN = 16;

/**
 * Encodes a window as gzip'd pprof: the CPU profile, and the wall profile
 * when asked. Mapping, building and protobuf encoding run on this thread,
 * their time added to `cost`: as one stretch, or with `sliceMs` in
 * stretches of about that long with a turn of the event loop between them.
 * gzip runs on libuv's thread pool.
 */
export async function encodeWindow(
  window: ProfileWindow,
  options: EncodeOptions = {},
  cost?: ProfiledThreadCost,
): Promise<EncodedWindow> {
  const slicer = new ThreadSlicer(options.sliceMs, cost);
  const out: [ProfileKind, Uint8Array][] = [];
  let summary: WindowSummary;
  await slicer.begin();
  try {
    const functions = options.functions ?? (await mapNodes(window, options.frames, slicer));
    const build = new WindowBuild(window, functions, options.wall === true);
    for (let i = 0; i < build.sampleCount; i += ITEMS_PER_RUN) {
      build.addSamples(i, Math.min(build.sampleCount, i + ITEMS_PER_RUN));
      if (slicer.due) await slicer.next();
    }
    const built = build.finish();
    summary = built.summary;
    out.push(['cpu', await encodeProfile(built.cpu, slicer)]);
    if (built.wall) out.push(['wall', await encodeProfile(built.wall, slicer)]);
  } finally {
    slicer.end();
  }
  const profiles: EncodedProfile[] = [];
  for (const [kind, bytes] of out) {
    profiles.push({ kind, seriesName: SERIES_NAME[kind], gzip: await gzipAsync(bytes) });
  }
  return { startEpochNs: window.startEpochNs, endEpochNs: window.endEpochNs, profiles, summary };
}

/** nodeFunctions, a run of nodes at a time. */
async function mapNodes(
  window: ProfileWindow,
  frames: FrameMapper | undefined,
  slicer: ThreadSlicer,
): Promise<(NodeFunction | undefined)[]> {
  const nodeCount = window.raw.nodes.parent.length;
  const functions = new Array<NodeFunction | undefined>(nodeCount);
  for (let i = 0; i < nodeCount; i++) {
    functions[i] = nodeFunction(window, i, frames);
    // Per node: mapping a script's first frame may read its source map.
    if (slicer.due) await slicer.next();
  }
  return functions;
}

function encodeProfile(profile: Profile, slicer: ThreadSlicer): Uint8Array | Promise<Uint8Array> {
  return slicer.slices ? encodeInParts(profile, slicer) : profile.encode();
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
