import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadScriptMap } from './load-script-map';
import { nodeKeptPayload } from './node-kept-map';
import { SourceMapFrameMapper } from './source-map-frame-mapper';
import type { DebugLogger, GeneratedFrame, MappedFrame, WindowFrameMapper } from './types';
import type { MapReply, MapRequest, MapWorkerSetup } from './worker-protocol';

/** Past this many remembered frames (code generated at run time), memory is started afresh. */
const MAX_REMEMBERED_FRAMES = 200_000;

const WORKER_FILE = path.join(__dirname, 'map-worker.js');

interface Pending {
  resolve(reply: MapReply): void;
  reject(err: Error): void;
}

/**
 * The profiler's frame mapper. `prepare` hands a window's new frames to a
 * worker thread, which loads maps and traces them; the main thread keeps
 * only the answers, so `map` is a lookup. A frame `map` is asked about
 * before any `prepare` answered it is mapped on the calling thread. If the
 * worker cannot run, everything is mapped on the calling thread.
 */
export class BackgroundFrameMapper implements WindowFrameMapper {
  private readonly answers = new Map<string, MappedFrame>();
  private readonly noted = new Set<string>();
  private readonly local: SourceMapFrameMapper;
  private worker: Worker | undefined;
  private workerFailed = false;
  private closed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly root: string,
    private readonly logger: DebugLogger,
  ) {
    this.local = new SourceMapFrameMapper(root, loadScriptMap, (url, reason) => this.note(url, reason));
  }

  map(frame: GeneratedFrame): MappedFrame {
    const key = keyOf(frame);
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = this.local.map(frame);
      this.remember(key, answer);
    }
    return answer;
  }

  async prepare(frames: Iterable<GeneratedFrame>): Promise<void> {
    const todo = this.unanswered(frames);
    if (todo.length === 0 || this.workerFailed || this.closed) return;
    try {
      const first = await this.request({ id: 0, frames: todo });
      this.rememberAll(todo, first.results);
      // Scripts whose files led to no usable map may have one that Node kept.
      const install: { url: string; payload: unknown }[] = [];
      const failed = new Map<string, string>();
      for (const script of first.unmapped) {
        const payload = nodeKeptPayload(script.url);
        if (payload !== undefined) install.push({ url: script.url, payload });
        else if (script.reason !== undefined) failed.set(script.url, script.reason);
      }
      if (install.length > 0) {
        const urls = new Set(install.map((i) => i.url));
        const again = todo.filter((f) => urls.has(f.url));
        const second = await this.request({ id: 0, frames: again, install });
        this.rememberAll(again, second.results);
        for (const script of second.unmapped) if (script.reason !== undefined) failed.set(script.url, script.reason);
      }
      for (const [url, reason] of failed) this.note(url, reason);
    } catch (err) {
      this.workerFailed = true;
      try {
        this.logger.debug(`source maps are read on the main thread: the map worker failed (${messageOf(err)})`);
      } catch {
        // A logger that throws must not break profiling.
      }
      void this.worker?.terminate();
      this.worker = undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  /** Distinct frames with no answer yet, as plain objects for the worker. */
  private unanswered(frames: Iterable<GeneratedFrame>): GeneratedFrame[] {
    const todo: GeneratedFrame[] = [];
    const seen = new Set<string>();
    for (const f of frames) {
      const key = keyOf(f);
      if (this.answers.has(key) || seen.has(key)) continue;
      seen.add(key);
      todo.push({ name: f.name, url: f.url, line: f.line, column: f.column });
    }
    return todo;
  }

  private request(request: MapRequest): Promise<MapReply> {
    const worker = this.startedWorker();
    const id = this.nextId++;
    return new Promise<MapReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keep the process alive only while an answer is awaited.
      worker.ref();
      worker.postMessage({ ...request, id });
    });
  }

  private startedWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    const setup: MapWorkerSetup = { root: this.root };
    // No inherited flags: a preload that starts profiling must not run again in here.
    const worker = new Worker(WORKER_FILE, { workerData: setup, execArgv: [] });
    worker.unref();
    worker.on('message', (reply: MapReply) => {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      p?.resolve(reply);
    });
    const fail = (err: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`map worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private rememberAll(frames: readonly GeneratedFrame[], results: readonly MappedFrame[]): void {
    for (let i = 0; i < frames.length; i++) this.remember(keyOf(frames[i]), results[i]);
  }

  private remember(key: string, answer: MappedFrame): void {
    if (this.answers.size >= MAX_REMEMBERED_FRAMES) this.answers.clear();
    this.answers.set(key, answer);
  }

  /** One note per script, however many frames and threads ran into its map. */
  private note(url: string, reason: string): void {
    if (this.noted.has(url)) return;
    this.noted.add(url);
    try {
      this.logger.debug(
        `source map of ${this.local.shortPath(url)} not used (${reason}); its frames keep generated locations`,
      );
    } catch {
      // A logger that throws must not break profiling.
    }
  }
}

function keyOf(f: GeneratedFrame): string {
  return `${f.line}:${f.column}:${f.name}\0${f.url}`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
