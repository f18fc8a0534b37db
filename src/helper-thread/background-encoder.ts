import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { installedPackage } from '../package/installed-package';
import type { ProfileWindow } from '../window/profile-window';
import { nodeKeptPayload } from '../sourcemap/node-kept-map';
import type { GeneratedFrame, MappedFrame } from '../sourcemap/types';
import type { EncodeOptions } from '../pprof/encode-window';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './encode-protocol';
import type { EncodedWindow } from '../pprof/encoded-window';
import { timed, type ProfiledThreadCost } from '../pprof/profiled-thread-cost';
import type { WindowEncoder, WindowEncoderOptions } from '../pprof/window-encoder';

/**
 * The helper thread's script: beside this file, or, when this code runs from
 * an app's bundle, in the installed package. Throws when there is none.
 */
function workerFile(): string {
  const installed = installedPackage();
  if (!installed.ok) throw new Error(installed.reason);
  const file = installed.bundled
    ? path.join(installed.root, 'dist', 'helper-thread', 'encode-worker.js')
    : path.join(__dirname, 'encode-worker.js');
  // A missing script would only fail once the thread ran: fall back now, with the reason.
  if (!fs.existsSync(file)) throw new Error(`the helper thread's script ${file} is missing`);
  return file;
}

/**
 * The worker's heap: a young generation this small keeps the pages it
 * touches few (the old generation is left unbounded: a large bundle's map
 * needs room).
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 2 };

type FinalReply = Exclude<WorkerReply, { kind: 'ask' }>;

interface Pending {
  resolve(reply: FinalReply): void;
  reject(err: Error): void;
  readonly cost: ProfiledThreadCost | undefined;
}

/**
 * Encodes windows on spanprof's one helper thread. A window is posted once,
 * with V8's frames as they are; the worker maps them through source maps
 * (reading and keeping the maps there), builds, encodes and gzips. The
 * calling thread only copies the window over and takes the bytes back, and
 * answers the worker's rare question about a map only this thread's Node
 * keeps (`--enable-source-maps`). The time it spends on each window is added
 * to that window's `cost`. If the worker cannot start or dies, windows are
 * mapped and encoded on the calling thread from then on, so none is lost.
 */
export class BackgroundEncoder implements WindowEncoder {
  private worker: Worker | undefined;
  private workerFailed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly options: WindowEncoderOptions,
    private readonly onFallback: (reason: string) => void = () => {},
  ) {
    // Started with the profiler, not inside the first window: starting a
    // worker costs the calling thread a few milliseconds.
    try {
      this.startedWorker();
    } catch (err) {
      this.fallBack(err);
    }
  }

  /** Whether windows go to the worker (false after it failed or was closed). */
  get usesWorker(): boolean {
    return !this.workerFailed;
  }

  async encode(window: ProfileWindow, cost?: ProfiledThreadCost): Promise<EncodedWindow> {
    const { frames, wall } = this.options;
    if (!this.workerFailed) {
      let reply: FinalReply;
      try {
        // A mapper the worker cannot rebuild is asked here; the worker only builds.
        const functions =
          frames !== undefined && frames.workerSetup === undefined
            ? timed(cost, () => buildProfilesModule().nodeFunctions(window, frames))
            : undefined;
        reply = await this.request((id) => ({ kind: 'encode', id, window, functions, askKept: keptMapsOn() }), cost);
      } catch (err) {
        this.fallBack(err);
        return encodeHere(window, { wall, frames }, cost);
      }
      if (reply.kind === 'failed') throw new Error(reply.message);
      if (reply.kind !== 'encoded') throw new Error(`unexpected ${reply.kind} reply`);
      return timed(cost, () => ({
        startEpochNs: reply.startEpochNs,
        endEpochNs: reply.endEpochNs,
        profiles: reply.profiles.map((p) => ({
          kind: p.kind,
          seriesName: p.seriesName,
          gzip: Buffer.from(p.gzip.buffer, p.gzip.byteOffset, p.gzip.byteLength),
        })),
        summary: reply.summary,
      }));
    }
    return encodeHere(window, { wall, frames }, cost);
  }

  /**
   * Maps frames as windows' frames are mapped: on the worker while it runs,
   * else on the calling thread. For tools and tests.
   */
  async mapFrames(frames: readonly GeneratedFrame[]): Promise<MappedFrame[]> {
    if (!this.workerFailed && this.options.frames?.workerSetup !== undefined) {
      try {
        const plain = frames.map((f) => ({ name: f.name, url: f.url, line: f.line, column: f.column }));
        const reply = await this.request((id) => ({ kind: 'map', id, frames: plain, askKept: keptMapsOn() }), undefined);
        if (reply.kind === 'mapped') return [...reply.frames];
      } catch (err) {
        this.fallBack(err);
      }
    }
    const mapper = this.options.frames;
    return frames.map((f) => (mapper ? mapper.map(f) : { name: f.name, file: f.url, line: f.line, mapped: false }));
  }

  async close(): Promise<void> {
    this.workerFailed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  private request(make: (id: number) => WorkerRequest, cost: ProfiledThreadCost | undefined): Promise<FinalReply> {
    const worker = this.startedWorker();
    const request = make(this.nextId++);
    return new Promise<FinalReply>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject, cost });
      // Keep the process alive only while the worker owes an answer.
      worker.ref();
      try {
        timed(cost, () => worker.postMessage(request));
      } catch (err) {
        this.pending.delete(request.id);
        if (this.pending.size === 0) worker.unref();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private startedWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    const setup: WorkerSetup = { wall: this.options.wall, frames: this.options.frames?.workerSetup };
    // The app's flags (--inspect, --cpu-prof, ...) are not for this thread.
    // Preloads named in NODE_OPTIONS still run in it, as in every worker.
    const worker = new Worker(workerFile(), { workerData: setup, execArgv: [], resourceLimits: RESOURCE_LIMITS });
    worker.on('message', (reply: WorkerReply) => this.received(worker, reply));
    const fail = (err: Error): void => {
      // A worker that died is not restarted: a crash each window would cost a start each window.
      if (this.worker === worker) this.fallBack(err);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`helper thread exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private received(worker: Worker, reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (reply.kind === 'ask') {
      // Only this thread's Node has these maps; reading them is this window's cost.
      timed(p?.cost, () => {
        const payloads = reply.urls.map((url) => nodeKeptPayload(url));
        const answer: WorkerRequest = { kind: 'kept', id: reply.id, payloads };
        worker.postMessage(answer);
      });
      return;
    }
    this.pending.delete(reply.id);
    if (this.pending.size === 0) worker.unref();
    timed(p?.cost, () => {
      for (const n of reply.notes) this.options.frames?.noteUnusable?.(n.url, n.reason);
    });
    p?.resolve(reply);
  }

  private fallBack(err: unknown): void {
    if (this.workerFailed) return;
    this.workerFailed = true;
    void this.worker?.terminate();
    this.worker = undefined;
    try {
      this.onFallback(err instanceof Error ? err.message : String(err));
    } catch {
      // A callback that throws must not break profiling.
    }
  }
}

/*
 * Building and encoding on this thread are needed only when the helper
 * thread is not there: loaded then, so a working profiler does not hold them here.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
function encodeHere(window: ProfileWindow, options: EncodeOptions, cost?: ProfiledThreadCost): Promise<EncodedWindow> {
  const { encodeWindow } = require('../pprof/encode-window') as typeof import('../pprof/encode-window');
  return encodeWindow(window, options, cost);
}

function buildProfilesModule(): typeof import('../pprof/build-profiles') {
  return require('../pprof/build-profiles') as typeof import('../pprof/build-profiles');
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** Whether Node on this thread keeps source maps (`--enable-source-maps`), so they are worth asking for. */
function keptMapsOn(): boolean {
  return process.sourceMapsEnabled !== false;
}
