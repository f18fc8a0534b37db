import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import type { Profile } from 'pprof-format';
import type { ProfileWindow } from '../profile/window';
import { NodeKind } from '../native/types';
import { PassThroughFrameMapper } from '../sourcemap/create-frame-mapper';
import type { FrameMapper, GeneratedFrame, MappedFrame, WindowFrameMapper } from '../sourcemap/types';
import { buildWithFunctions, nodeFunctions, type NodeFunction } from './build-profiles';
import { SERIES_NAME, type EncodedProfile, type EncodedWindow, type ProfileKind } from './encoded-window';

const gzipAsync = promisify(gzip);

export interface EncodeOptions {
  /** Also encode the wall-clock profile. Default false. */
  readonly wall?: boolean;
  /** Source maps and short paths for JavaScript frames; prepared before building. */
  readonly frames?: WindowFrameMapper;
}

/**
 * Encodes a window as gzip'd pprof: the CPU profile, and the wall profile
 * when asked. Protobuf encoding yields to the event loop between sections
 * and gzip runs on libuv's thread pool, so a large window does not hold the
 * main thread for long.
 */
export async function encodeWindow(
  window: ProfileWindow,
  options: EncodeOptions = {},
): Promise<EncodedWindow> {
  return encodeResolved(window, await resolveFunctions(window, options.frames), options.wall === true);
}

/**
 * The nodes' functions, source maps applied: the part of encoding that needs
 * the frame mapper, which lives on the profiled thread.
 */
export async function resolveFunctions(
  window: ProfileWindow,
  frames: WindowFrameMapper | undefined,
): Promise<(NodeFunction | undefined)[]> {
  if (frames) await frames.prepare(generatedFrames(window));
  return nodeFunctions(window, frames);
}

/** Builds, encodes and gzips a window whose functions are resolved; runs on any thread. */
export async function encodeResolved(
  window: ProfileWindow,
  functions: readonly (NodeFunction | undefined)[],
  wall: boolean,
): Promise<EncodedWindow> {
  const built = buildWithFunctions(window, functions, wall);
  const profiles: EncodedProfile[] = [await encodeProfile('cpu', built.cpu)];
  if (built.wall) profiles.push(await encodeProfile('wall', built.wall));
  return {
    startEpochNs: window.startEpochNs,
    endEpochNs: window.endEpochNs,
    profiles,
    summary: built.summary,
  };
}

/**
 * encodeWindow without yielding: for the moment the process exits, when no
 * callback, worker or thread-pool job will run again. Frames are asked of
 * `frames` directly (`map` answers from what it holds, or on this thread),
 * never through its worker.
 */
export function encodeWindowSync(window: ProfileWindow, options: EncodeOptions = {}): EncodedWindow {
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
function framesAtExit(frames: WindowFrameMapper & KnownFrames): FrameMapper {
  const mapKnown = frames.mapKnown?.bind(frames);
  if (mapKnown === undefined) return frames;
  const generated = new PassThroughFrameMapper(process.cwd());
  return { map: (frame) => mapKnown(frame) ?? generated.map(frame) };
}

function encodeProfileSync(kind: ProfileKind, profile: Profile): EncodedProfile {
  return { kind, seriesName: SERIES_NAME[kind], gzip: gzipSync(profile.encode()) };
}

async function encodeProfile(kind: ProfileKind, profile: Profile): Promise<EncodedProfile> {
  const bytes = await profile.encodeAsync();
  return { kind, seriesName: SERIES_NAME[kind], gzip: await gzipAsync(bytes) };
}

/** The window's distinct JavaScript functions, as V8 reported them. */
function* generatedFrames(window: ProfileWindow): Iterable<GeneratedFrame> {
  const { nodes, strings } = window.raw;
  for (let i = 0; i < nodes.parent.length; i++) {
    if (nodes.kind[i] !== NodeKind.Js) continue;
    const url = strings[nodes.url[i]] ?? '';
    if (url === '') continue;
    yield { name: strings[nodes.name[i]] ?? '', url, line: nodes.line[i], column: nodes.column[i] };
  }
}
