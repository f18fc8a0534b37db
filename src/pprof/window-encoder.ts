import type { ProfileWindow } from '../window/profile-window';
import type { WindowFrameMapper } from '../sourcemap/types';
import { encodeWindow, encodeWindowSync } from './encode-window';
import type { EncodedWindow } from './encoded-window';
import type { ProfiledThreadCost } from './profiled-thread-cost';

export interface WindowEncoderOptions {
  /** Also encode the wall-clock profile. */
  readonly wall: boolean;
  /** Source maps and short paths; used on the calling thread. */
  readonly frames?: WindowFrameMapper;
  /** Encode on the calling thread in stretches of about this many milliseconds (see encodeWindow). */
  readonly sliceMs?: number;
}

/** Turns closed windows into gzip'd pprof. */
export interface WindowEncoder {
  /** `cost` receives the calling thread's time spent on this window. */
  encode(window: ProfileWindow, cost?: ProfiledThreadCost): Promise<EncodedWindow>;
  /**
   * Encodes on the calling thread without yielding, for the last windows
   * when the process exits; must not wait for a worker.
   */
  encodeSync?(window: ProfileWindow): EncodedWindow;
  /** Frees what the encoder holds (a worker thread); later windows encode on the calling thread. */
  close(): Promise<void>;
}

/** Encodes on the calling thread. */
export class InThreadEncoder implements WindowEncoder {
  constructor(private readonly options: WindowEncoderOptions) {}

  encode(window: ProfileWindow, cost?: ProfiledThreadCost): Promise<EncodedWindow> {
    return encodeWindow(window, this.options, cost);
  }

  encodeSync(window: ProfileWindow): EncodedWindow {
    return encodeWindowSync(window, this.options);
  }

  async close(): Promise<void> {}
}
