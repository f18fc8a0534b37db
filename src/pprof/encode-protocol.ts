import type { ProfileWindow } from '../profile/window';
import type { NodeFunction } from './build-profiles';
import type { ProfileKind, WindowSummary } from './encoded-window';

/** Main thread → encode worker: a closed window whose functions are resolved. */
export interface EncodeRequest {
  readonly id: number;
  readonly window: ProfileWindow;
  readonly functions: readonly (NodeFunction | undefined)[];
  readonly wall: boolean;
}

/** One profile as it crosses threads: gzip bytes in an ArrayBuffer of their own. */
export interface PortableProfile {
  readonly kind: ProfileKind;
  readonly seriesName: string;
  readonly gzip: Uint8Array;
}

/** Encode worker → main thread. */
export type EncodeReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly startEpochNs: bigint;
      readonly endEpochNs: bigint;
      readonly profiles: readonly PortableProfile[];
      readonly summary: WindowSummary;
    }
  | { readonly id: number; readonly ok: false; readonly message: string };
