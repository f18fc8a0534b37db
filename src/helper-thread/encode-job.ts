import { NodeKind } from '../native/types';
import type { ProfileWindow } from '../window/profile-window';
import { PassThroughFrameMapper } from '../sourcemap/pass-through-mapper';
import type { FrameMapper, GeneratedFrame, MappedFrame } from '../sourcemap/types';
import { WorkerFrameMapper, type KeptMapSource, type UnusableMap } from '../sourcemap/worker-frame-mapper';
import { encodeWindow } from '../pprof/encode-window';
import type { PortableProfile, WorkerReply, WorkerRequest, WorkerSetup } from './encode-protocol';

/** Asks the profiled thread, on behalf of request `id`, for the maps Node kept. */
export type AskKept = (id: number, urls: readonly string[]) => Promise<readonly unknown[]>;

/** A reply and the buffers it hands over rather than copies. */
export interface ReplyOut {
  readonly reply: WorkerReply;
  readonly transfer: ArrayBuffer[];
}

/**
 * The worker's side of a request: maps the window's frames through source
 * maps (read here and kept), builds the profiles, encodes and gzips them.
 */
export class EncodeJobs {
  private readonly sourceMaps: WorkerFrameMapper | undefined;
  private readonly frames: FrameMapper | undefined;

  constructor(
    private readonly setup: WorkerSetup,
    private readonly askKept: AskKept,
  ) {
    const f = setup.frames;
    if (f?.sourceMaps === true) this.frames = this.sourceMaps = new WorkerFrameMapper(f.root);
    else if (f !== undefined) this.frames = new PassThroughFrameMapper(f.root);
  }

  async run(request: Exclude<WorkerRequest, { kind: 'kept' }>): Promise<ReplyOut> {
    try {
      return request.kind === 'map' ? await this.map(request) : await this.encode(request);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { reply: { kind: 'failed', id: request.id, message, notes: this.notes() }, transfer: [] };
    }
  }

  private async encode(request: Extract<WorkerRequest, { kind: 'encode' }>): Promise<ReplyOut> {
    const { id, window, functions } = request;
    if (functions === undefined) await this.load(id, scriptUrls(window), request.askKept);
    const encoded = await encodeWindow(window, { wall: this.setup.wall, frames: this.frames, functions });
    // A copy each: zlib's output may share a pooled ArrayBuffer, which must not be transferred.
    const profiles: PortableProfile[] = encoded.profiles.map((p) => ({
      kind: p.kind,
      seriesName: p.seriesName,
      gzip: new Uint8Array(p.gzip),
    }));
    return {
      reply: {
        kind: 'encoded',
        id,
        startEpochNs: encoded.startEpochNs,
        endEpochNs: encoded.endEpochNs,
        profiles,
        summary: encoded.summary,
        notes: this.notes(),
      },
      transfer: profiles.map((p) => p.gzip.buffer as ArrayBuffer),
    };
  }

  private async map(request: Extract<WorkerRequest, { kind: 'map' }>): Promise<ReplyOut> {
    await this.load(request.id, request.frames.map((f) => f.url), request.askKept);
    const frames: MappedFrame[] = request.frames.map((f) => this.mapOne(f));
    return { reply: { kind: 'mapped', id: request.id, frames, notes: this.notes() }, transfer: [] };
  }

  private mapOne(f: GeneratedFrame): MappedFrame {
    return this.frames ? this.frames.map(f) : { name: f.name, file: f.url, line: f.line, mapped: false };
  }

  private async load(id: number, urls: Iterable<string>, askKept: boolean): Promise<void> {
    const kept: KeptMapSource | undefined = askKept ? (u) => this.askKept(id, u) : undefined;
    await this.sourceMaps?.load(urls, kept);
  }

  private notes(): UnusableMap[] {
    return this.sourceMaps?.takeNotes() ?? [];
  }
}

/** The distinct script URLs of a window's JavaScript frames. */
function scriptUrls(window: ProfileWindow): Set<string> {
  const { nodes, strings } = window.raw;
  const urls = new Set<string>();
  for (let i = 0; i < nodes.parent.length; i++) {
    if ((nodes.kind[i] as NodeKind) !== NodeKind.Js) continue;
    const url = strings[nodes.url[i]] ?? '';
    if (url !== '') urls.add(url);
  }
  return urls;
}
