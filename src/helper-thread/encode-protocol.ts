import type { ProfileWindow } from '../window/profile-window';
import type { FrameMapperSetup, GeneratedFrame, MappedFrame } from '../sourcemap/types';
import type { UnusableMap } from '../sourcemap/worker-frame-mapper';
import type { NodeFunction } from '../pprof/build-profiles';
import type { ProfileKind, WindowSummary } from '../pprof/encoded-window';

/** Given to the worker when it starts. */
export interface WorkerSetup {
  readonly wall: boolean;
  /** How frames are mapped; absent: generated locations, or `functions` sent per window. */
  readonly frames?: FrameMapperSetup;
}

/** Main thread → worker. */
export type WorkerRequest =
  | {
      readonly kind: 'encode';
      readonly id: number;
      /** The closed window with V8's frames as they are. */
      readonly window: ProfileWindow;
      /** Set when the calling thread resolved the functions itself (a mapper the worker cannot build). */
      readonly functions?: readonly (NodeFunction | undefined)[];
      /** Whether the profiled thread's Node keeps source maps worth asking for. */
      readonly askKept: boolean;
    }
  | { readonly kind: 'map'; readonly id: number; readonly frames: readonly GeneratedFrame[]; readonly askKept: boolean }
  /** The answer to an `ask`: entry i is Node's map for url i, or undefined. */
  | { readonly kind: 'kept'; readonly id: number; readonly payloads: readonly unknown[] };

/** One profile as it crosses threads: gzip bytes in an ArrayBuffer of their own. */
export interface PortableProfile {
  readonly kind: ProfileKind;
  readonly seriesName: string;
  readonly gzip: Uint8Array;
}

/** Worker → main thread. `notes` are unusable maps first seen for this request. */
export type WorkerReply =
  | {
      readonly kind: 'encoded';
      readonly id: number;
      readonly startEpochNs: bigint;
      readonly endEpochNs: bigint;
      readonly profiles: readonly PortableProfile[];
      readonly summary: WindowSummary;
      readonly notes: readonly UnusableMap[];
    }
  | { readonly kind: 'mapped'; readonly id: number; readonly frames: readonly MappedFrame[]; readonly notes: readonly UnusableMap[] }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string; readonly notes: readonly UnusableMap[] }
  /** While working on request `id`: the maps Node kept for these scripts, if any. */
  | { readonly kind: 'ask'; readonly id: number; readonly urls: readonly string[] };
