import { NodeKind } from '../native/types';
import { InThreadEncoder, type WindowEncoder, type WindowEncoderOptions } from '../pprof/window-encoder';
import type { EncodedWindow } from '../pprof/encoded-window';
import type { ProfiledThreadCost } from '../pprof/profiled-thread-cost';
import { scriptMapBytes } from '../sourcemap/map-presence';
import type { ProfileWindow } from '../window/profile-window';
import type { BackgroundEncoder } from './background-encoder';

/**
 * How long a stretch of a window's encode holds the profiled thread, in
 * milliseconds, before the event loop gets a turn: below a window close's
 * own pause (1 to 3 ms). A stretch ends at the first look at the clock past
 * it, and a scavenge the encode brings on falls inside one.
 */
export const ENCODE_SLICE_MS = 1;
/**
 * A source map this large takes longer to read and parse than a window's
 * pause may last (a bundle's map), and a parse cannot be cut into stretches;
 * smaller ones (a package's per-file maps, a few KiB each) are read on the
 * calling thread, once each.
 */
export const LARGE_MAP_BYTES = 512 * 1024;

/** Scripts whose tails are read at once. */
const PROBES_AT_ONCE = 8;

export interface OnDemandEncoderEvents {
  /** The helper thread was started, and why. */
  onHelper?(reason: string): void;
  /** The helper thread failed; windows are encoded on the calling thread again. */
  onFallback?(reason: string): void;
}

/**
 * Encodes on the calling thread, in stretches of ENCODE_SLICE_MS, until the
 * helper thread is needed, then on the helper thread from then on. A
 * worker's isolate alone costs more memory than the rest of the profiler
 * (10 MiB of RSS on Node 20, 19 MiB on Node 24), while a window's mapping,
 * build and encode can be cut into short stretches on this thread, cold
 * code or not. The helper starts when:
 * - a window has a frame in a script with a large source map (parsing a
 *   bundle's map is one step too long to cut);
 * - Node keeps source maps (`--enable-source-maps`): only this thread can
 *   tell which scripts have one.
 * Which scripts have maps, and how large, is found out without blocking:
 * their tails are read on libuv's thread pool, once per script.
 */
export class OnDemandEncoder implements WindowEncoder {
  private helper: BackgroundEncoder | undefined;
  private readonly here: InThreadEncoder;
  private readonly mapsOn: boolean;
  /** Script URL → whether its file leads to a large source map, once found out. */
  private readonly largeMaps = new Map<string, boolean>();

  constructor(
    private readonly options: WindowEncoderOptions,
    private readonly events: OnDemandEncoderEvents = {},
  ) {
    this.mapsOn = options.frames?.workerSetup?.sourceMaps === true;
    this.here = new InThreadEncoder({ ...options, sliceMs: ENCODE_SLICE_MS });
    if (this.mapsOn && process.sourceMapsEnabled === true) this.startHelper('Node keeps source maps (--enable-source-maps)');
  }

  /** Whether windows go to the helper thread. */
  get usesHelper(): boolean {
    return this.helper !== undefined;
  }

  async encode(window: ProfileWindow, cost?: ProfiledThreadCost): Promise<EncodedWindow> {
    if (this.helper === undefined && this.mapsOn) {
      const mapped = await this.scriptWithLargeMap(window);
      if (mapped !== undefined) this.startHelper(`${mapped} has a source map of over ${LARGE_MAP_BYTES / 1024} KiB`);
    }
    if (this.helper !== undefined) return this.helper.encode(window, cost);
    return this.here.encode(window, cost);
  }

  async close(): Promise<void> {
    await this.helper?.close();
  }

  private startHelper(reason: string): void {
    // Loaded here: node:worker_threads and its internals cost about 0.4 MiB of RSS, and most processes never start the helper.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { BackgroundEncoder: Encoder } = require('./background-encoder') as typeof import('./background-encoder');
    this.helper = new Encoder(this.options, (why) => this.events.onFallback?.(why));
    if (this.helper.usesWorker) this.events.onHelper?.(reason);
  }

  /** A script of the window whose source map is large, if any. */
  private async scriptWithLargeMap(window: ProfileWindow): Promise<string | undefined> {
    const { nodes, strings } = window.raw;
    const unknown = new Set<string>();
    for (let i = 0; i < nodes.url.length; i++) {
      if ((nodes.kind[i] as NodeKind) !== NodeKind.Js) continue;
      const url = strings[nodes.url[i]];
      if (url === undefined || url === '') continue;
      const has = this.largeMaps.get(url);
      if (has === true) return url;
      if (has === undefined) unknown.add(url);
    }
    // A few files open at a time: thousands of scripts must not run out of descriptors.
    const queue = [...unknown];
    let mapped: string | undefined;
    const probe = async (): Promise<void> => {
      for (let url = queue.pop(); url !== undefined && mapped === undefined; url = queue.pop()) {
        const has = (await scriptMapBytes(url)) > LARGE_MAP_BYTES;
        this.largeMaps.set(url, has);
        if (has) mapped ??= url;
      }
    };
    await Promise.all(Array.from({ length: Math.min(PROBES_AT_ONCE, queue.length) }, probe));
    return mapped;
  }
}
