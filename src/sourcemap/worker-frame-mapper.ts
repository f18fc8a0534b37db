import { AnswerTable } from './answer-table';
import { loadDiskMap } from './disk-map';
import { scriptMapOf } from './script-map';
import { scriptFilePath } from './script-path';
import { SourceMapFrameMapper } from './source-map-frame-mapper';
import type { FrameMapper, GeneratedFrame, MappedFrame } from './types';

/**
 * Asks the profiled thread for the maps Node keeps for these scripts (only
 * that thread's Node has them); entry i answers url i, undefined for none.
 */
export type KeptMapSource = (urls: readonly string[]) => Promise<readonly unknown[]>;

/** A script whose map exists but cannot be used. */
export interface UnusableMap {
  readonly url: string;
  readonly reason: string;
}

/**
 * The frame mapper of the encode worker. Before a window's frames are
 * mapped, `load` reads the maps of scripts not seen before from their files
 * and, for scripts whose files led to no usable map, asks the profiled
 * thread once for a map Node kept. Unusable maps are collected for that
 * thread to note.
 */
export class WorkerFrameMapper implements FrameMapper {
  private readonly seen = new Set<string>();
  private readonly answers = new AnswerTable();
  private readonly mapper: SourceMapFrameMapper;
  private notes: UnusableMap[] = [];

  constructor(root: string) {
    this.mapper = new SourceMapFrameMapper(root, loadDiskMap, (url, reason) => this.notes.push({ url, reason }));
  }

  /** Makes the maps of `urls` ready; without `kept`, only files are read. */
  async load(urls: Iterable<string>, kept: KeptMapSource | undefined): Promise<void> {
    const ask: { url: string; fromFile: ReturnType<typeof loadDiskMap> }[] = [];
    for (const url of urls) {
      if (this.seen.has(url)) continue;
      this.seen.add(url);
      if (scriptFilePath(url) === null) continue;
      const fromFile = loadDiskMap(url);
      if (fromFile.kind === 'map' || kept === undefined) this.mapper.use(url, fromFile);
      else ask.push({ url, fromFile });
    }
    if (ask.length === 0 || kept === undefined) return;
    const payloads = await kept(ask.map((a) => a.url));
    ask.forEach(({ url, fromFile }, i) => {
      const payload = payloads[i];
      this.mapper.use(url, payload === undefined || payload === null ? fromFile : scriptMapOf(payload, url));
    });
  }

  map(frame: GeneratedFrame): MappedFrame {
    let answer = this.answers.get(frame);
    if (answer === undefined) {
      answer = this.mapper.map(frame);
      this.answers.set(frame, answer);
    }
    return answer;
  }

  /** Unusable maps found since the last call. */
  takeNotes(): UnusableMap[] {
    const notes = this.notes;
    this.notes = [];
    return notes;
  }
}
