import { OnDemandEncoder } from '../helper-thread/on-demand-encoder';
import { encodeWindowSync } from '../pprof/encode-window';
import type { WindowEncoder } from '../pprof/window-encoder';
import type { EncodedWindow } from '../pprof/encoded-window';
import type { ProfiledThreadCost } from '../pprof/profiled-thread-cost';
import { finishExporterAtExit, type ExitWindows } from '../export/exit-delivery';
import type { ProfileExporter } from '../export/exporter';
import type { Logger } from '../log/logger';
import type { ProfileWindow } from '../window/profile-window';
import type { WindowFrameMapper } from '../sourcemap/types';
import type { ExitReport, WindowSink } from './ports';

export interface ExportingSinkOptions {
  readonly exporter: ProfileExporter;
  readonly logger: Logger;
  readonly wall: boolean;
  /** Source maps and short paths; closed on shutdown. */
  readonly frames?: WindowFrameMapper;
  /** Sees every encoded window before the exporter does (the CLI's summary uses it). */
  readonly onEncoded?: (window: EncodedWindow) => void;
  /**
   * How windows become pprof; closed on shutdown. Default: on the calling
   * thread in short stretches, and on the helper thread once a large
   * source map or Node's kept maps make it worth its memory.
   */
  readonly encoder?: WindowEncoder;
}

export interface ExportingSinkStats {
  readonly encoded: number;
  /** Windows that could not be encoded: counted, logged, never thrown. */
  readonly encodeFailures: number;
}

/** A consumed window, until the exporter has it. */
interface Waiting {
  readonly window: ProfileWindow;
}

/**
 * Encodes each closed window as pprof and queues it on the exporter. Windows
 * are encoded one after another, so they reach the exporter in order even
 * when one waits for its source maps.
 */
export class ExportingSink implements WindowSink {
  private readonly inFlight = new Set<Promise<void>>();
  private last: Promise<void> = Promise.resolve();
  /** Consumed windows not yet handed to the exporter, oldest first. */
  private waiting: Waiting[] = [];
  private exited = false;
  private encoded = 0;
  private encodeFailures = 0;
  private readonly encoder: WindowEncoder;

  constructor(private readonly options: ExportingSinkOptions) {
    this.encoder =
      options.encoder ??
      new OnDemandEncoder(
        { wall: options.wall, frames: options.frames },
        {
          onHelper: (reason) => options.logger.debug(`profiles are encoded on the helper thread from now on: ${reason}`),
          onFallback: (reason) =>
            options.logger.debug(`profiles are encoded on the main thread: the encode worker failed (${reason})`),
        },
      );
  }

  consume(window: ProfileWindow, pause?: ProfiledThreadCost): void {
    if (this.exited) return;
    const entry: Waiting = { window };
    this.waiting.push(entry);
    const job = this.last
      // A window finished at exit meanwhile is not encoded again.
      .then(() => (this.waiting.includes(entry) ? this.encoder.encode(window, pause) : undefined))
      .then(
        (encoded) => {
          if (encoded === undefined || !this.take(entry)) return;
          this.encoded++;
          this.notifyEncoded(encoded);
          this.options.exporter.export(encoded);
        },
        (err: unknown) => {
          if (!this.take(entry)) return;
          this.encodeFailures++;
          this.options.logger.error(`could not encode a profile window: ${String(err)}`);
        },
      );
    this.last = job;
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job));
  }

  async flush(deadlineMs: number): Promise<void> {
    const started = Date.now();
    await withDeadline(Promise.all(this.inFlight), deadlineMs);
    await this.options.exporter.flush(Math.max(0, deadlineMs - (Date.now() - started)));
  }

  async shutdown(deadlineMs: number): Promise<void> {
    const started = Date.now();
    await withDeadline(Promise.all(this.inFlight), deadlineMs);
    await this.options.exporter.shutdown(Math.max(0, deadlineMs - (Date.now() - started)));
    await this.encoder.close();
    await this.options.frames?.close();
  }

  /**
   * Has the exporter finish with the windows it does not have yet: outputs
   * that can write during exit ask for them encoded, and they are encoded
   * then, on this thread (a window the worker is encoding is encoded again
   * here: the worker's answer would never be read). Windows for a server are
   * counted, not sent.
   */
  finishAtExit(budgetMs: number): ExitReport {
    const started = Date.now();
    this.exited = true;
    const pending = this.waiting.map((w) => w.window);
    this.waiting = [];
    let encoded: EncodedWindow[] | undefined;
    let encodeFailed = 0;
    let unencoded = 0;
    let encodeError: string | undefined;
    const windows: ExitWindows = {
      count: pending.length,
      encoded: () => {
        if (encoded !== undefined) return encoded;
        encoded = [];
        for (const window of pending) {
          if (Date.now() - started > budgetMs) {
            unencoded++;
            continue;
          }
          try {
            const e = this.encodeSync(window);
            this.encoded++;
            this.notifyEncoded(e);
            encoded.push(e);
          } catch (err) {
            this.encodeFailures++;
            encodeFailed++;
            encodeError ??= `could not encode a profile window: ${String(err)}`;
          }
        }
        return encoded;
      },
    };
    const d = finishExporterAtExit(this.options.exporter, windows, budgetMs);
    const error = d.error ?? encodeError;
    return {
      written: d.written,
      notWritten: d.failed + d.outOfTime + unencoded + encodeFailed,
      outOfTime: d.outOfTime + unencoded,
      notUploaded: d.undelivered,
      ...(d.directory !== undefined ? { directory: d.directory } : {}),
      ...(error !== undefined ? { error } : {}),
    };
  }

  stats(): ExportingSinkStats {
    return { encoded: this.encoded, encodeFailures: this.encodeFailures };
  }

  private encodeSync(window: ProfileWindow): EncodedWindow {
    if (this.encoder.encodeSync) return this.encoder.encodeSync(window);
    return encodeWindowSync(window, { wall: this.options.wall, frames: this.options.frames });
  }

  /** Removes `entry` from the waiting windows; false if it was not there. */
  private take(entry: Waiting): boolean {
    const i = this.waiting.indexOf(entry);
    if (i < 0) return false;
    this.waiting.splice(i, 1);
    return true;
  }

  private notifyEncoded(window: EncodedWindow): void {
    try {
      this.options.onEncoded?.(window);
    } catch (err) {
      this.options.logger.debug(`a window callback failed: ${String(err)}`);
    }
  }
}

function withDeadline(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void p.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
