import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AnswerTable } from './answer-table';
import { buffersOf, packFrames, unpackMapped } from './frame-batch';
import { loadScriptMap } from './load-script-map';
import { nodeKeptPayload } from './node-kept-map';
import { scriptFilePath } from './script-path';
import { SourceMapFrameMapper } from './source-map-frame-mapper';
import type { DebugLogger, GeneratedFrame, MappedFrame, WindowFrameMapper } from './types';
import type { MapReply, MapRequest, MapWorkerSetup } from './worker-protocol';

const WORKER_FILE = path.join(__dirname, 'map-worker.js');

/** Marks a frame already on its way to the worker. */
const UNKNOWN: MappedFrame = { name: '', file: '', line: 0, mapped: false };

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
  private readonly answers = new AnswerTable();
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
    // Started now, when the profiler starts, rather than inside the first
    // window's pause: starting a worker costs the calling thread ~3 ms.
    try {
      this.startedWorker();
    } catch (err) {
      this.workerFailedWith(err);
    }
  }

  map(frame: GeneratedFrame): MappedFrame {
    let answer = this.answers.get(frame);
    if (answer === undefined) {
      answer = this.local.map(frame);
      this.answers.set(frame, answer);
    }
    return answer;
  }

  async prepare(frames: Iterable<GeneratedFrame>): Promise<void> {
    const todo = this.unanswered(frames);
    if (todo.length === 0) return;
    if (this.workerFailed || this.closed) return;
    try {
      const failed = await this.mapOnWorker(todo);
      for (const [url, reason] of failed) this.note(url, reason);
    } catch (err) {
      this.workerFailedWith(err);
    }
  }

  /**
   * Maps `todo` on the worker, from the scripts' files. Scripts whose files
   * led to no usable map may have one Node kept: those are sent to the worker
   * and their frames mapped again. Returns the scripts left with an unusable map.
   */
  private async mapOnWorker(todo: readonly GeneratedFrame[]): Promise<Map<string, string>> {
    const first = await this.request(todo);
    this.rememberAll(todo, first.results);
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
      const second = await this.request(again, install);
      this.rememberAll(again, second.results);
      for (const script of second.unmapped) if (script.reason !== undefined) failed.set(script.url, script.reason);
    }
    return failed;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  /**
   * Distinct frames with no answer yet, as plain objects for the worker.
   * Frames of scripts with no file (Node's internals) have nothing to load
   * and are answered here rather than sent.
   */
  private unanswered(frames: Iterable<GeneratedFrame>): GeneratedFrame[] {
    const todo: GeneratedFrame[] = [];
    const asked = new AnswerTable();
    for (const f of frames) {
      if (this.answers.get(f) !== undefined || asked.get(f) !== undefined) continue;
      if (scriptFilePath(f.url) === null) {
        this.answers.set(f, this.local.map(f));
      } else {
        asked.set(f, UNKNOWN);
        todo.push({ name: f.name, url: f.url, line: f.line, column: f.column });
      }
    }
    return todo;
  }

  /** Maps `frames` on the worker; resolves with its answers, in order. */
  private async request(
    frames: readonly GeneratedFrame[],
    install?: MapRequest['install'],
  ): Promise<{ results: MappedFrame[]; unmapped: MapReply['unmapped'] }> {
    const worker = this.startedWorker();
    const id = this.nextId++;
    const batch = packFrames(frames);
    const request: MapRequest = { id, frames: batch, install };
    const reply = await new Promise<MapReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keep the process alive only while an answer is awaited.
      worker.ref();
      try {
        worker.postMessage(request, buffersOf(batch));
      } catch (err) {
        this.pending.delete(id);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    return { results: unpackMapped(reply.results), unmapped: reply.unmapped };
  }

  private startedWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    const setup: MapWorkerSetup = { root: this.root };
    // The app's flags (--inspect, --cpu-prof, ...) are not for this thread.
    // Preloads named in NODE_OPTIONS still run in it, as in every worker.
    const worker = new Worker(WORKER_FILE, { workerData: setup, execArgv: [] });
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
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** From now on every frame is mapped on the calling thread. */
  private workerFailedWith(err: unknown): void {
    this.workerFailed = true;
    void this.worker?.terminate();
    this.worker = undefined;
    try {
      this.logger.debug(`source maps are read on the main thread: the map worker failed (${messageOf(err)})`);
    } catch {
      // A logger that throws must not break profiling.
    }
  }

  private rememberAll(frames: readonly GeneratedFrame[], results: readonly MappedFrame[]): void {
    for (let i = 0; i < frames.length; i++) this.answers.set(frames[i], results[i]);
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

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
