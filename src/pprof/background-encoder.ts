import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ProfileWindow } from '../profile/window';
import { encodeResolved, resolveFunctions } from './encode-window';
import type { EncodeReply, EncodeRequest } from './encode-protocol';
import type { EncodedWindow } from './encoded-window';
import type { WindowEncoder, WindowEncoderOptions } from './window-encoder';

const WORKER_FILE = path.join(__dirname, 'encode-worker.js');

interface Pending {
  resolve(reply: EncodeReply): void;
  reject(err: Error): void;
}

/**
 * Encodes windows on a worker thread. The calling thread only resolves the
 * nodes' functions (source maps are looked up where their mapper lives) and
 * copies the window to the worker; building the profiles, protobuf encoding
 * and gzip happen there. If the worker cannot start or dies, windows are
 * encoded on the calling thread from then on, so none is lost.
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

  async encode(window: ProfileWindow): Promise<EncodedWindow> {
    const functions = await resolveFunctions(window, this.options.frames);
    if (!this.workerFailed) {
      let reply: EncodeReply;
      try {
        reply = await this.request({ id: this.nextId++, window, functions, wall: this.options.wall });
      } catch (err) {
        this.fallBack(err);
        return encodeResolved(window, functions, this.options.wall);
      }
      if (!reply.ok) throw new Error(reply.message);
      return {
        startEpochNs: reply.startEpochNs,
        endEpochNs: reply.endEpochNs,
        profiles: reply.profiles.map((p) => ({
          kind: p.kind,
          seriesName: p.seriesName,
          gzip: Buffer.from(p.gzip.buffer, p.gzip.byteOffset, p.gzip.byteLength),
        })),
        summary: reply.summary,
      };
    }
    return encodeResolved(window, functions, this.options.wall);
  }

  async close(): Promise<void> {
    this.workerFailed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  private request(request: EncodeRequest): Promise<EncodeReply> {
    const worker = this.startedWorker();
    return new Promise<EncodeReply>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      // Keep the process alive only while a window is being encoded.
      worker.ref();
      try {
        worker.postMessage(request);
      } catch (err) {
        this.pending.delete(request.id);
        if (this.pending.size === 0) worker.unref();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private startedWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    // The app's flags (--inspect, --cpu-prof, ...) are not for this thread.
    const worker = new Worker(WORKER_FILE, { execArgv: [] });
    worker.on('message', (reply: EncodeReply) => {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      p?.resolve(reply);
    });
    const fail = (err: Error): void => {
      // A worker that died is not restarted: a crash each window would cost a start each window.
      if (this.worker === worker) this.fallBack(err);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`encode worker exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    this.worker = worker;
    return worker;
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
