import { BackgroundEncoder } from '../pprof/background-encoder';
import type { WindowEncoder } from '../pprof/window-encoder';
import type { EncodedWindow } from '../pprof/encoded-window';
import type { MainThreadCost } from '../pprof/main-thread-cost';
import type { ProfileExporter } from '../export/exporter';
import type { Logger } from '../export/logger';
import type { ProfileWindow } from '../profile/window';
import type { WindowFrameMapper } from '../sourcemap/types';
import type { WindowSink } from './ports';

export interface ExportingSinkOptions {
  readonly exporter: ProfileExporter;
  readonly logger: Logger;
  readonly wall: boolean;
  /** Source maps and short paths; closed on shutdown. */
  readonly frames?: WindowFrameMapper;
  /** Sees every encoded window before the exporter does (the CLI's summary uses it). */
  readonly onEncoded?: (window: EncodedWindow) => void;
  /**
   * How windows become pprof; closed on shutdown. Default: on a worker
   * thread, so building and encoding do not hold the profiled thread.
   */
  readonly encoder?: WindowEncoder;
}

export interface ExportingSinkStats {
  readonly encoded: number;
  /** Windows that could not be encoded: counted, logged, never thrown. */
  readonly encodeFailures: number;
}

/**
 * Encodes each closed window as pprof and queues it on the exporter. Windows
 * are encoded one after another, so they reach the exporter in order even
 * when one waits for its source maps.
 */
export class ExportingSink implements WindowSink {
  private readonly inFlight = new Set<Promise<void>>();
  private last: Promise<void> = Promise.resolve();
  private encoded = 0;
  private encodeFailures = 0;
  private readonly encoder: WindowEncoder;

  constructor(private readonly options: ExportingSinkOptions) {
    this.encoder =
      options.encoder ??
      new BackgroundEncoder({ wall: options.wall, frames: options.frames }, (reason) =>
        options.logger.debug(`profiles are encoded on the main thread: the encode worker failed (${reason})`),
      );
  }

  consume(window: ProfileWindow, pause?: MainThreadCost): void {
    const job = this.last.then(() => this.encoder.encode(window, pause)).then(
      (encoded) => {
        this.encoded++;
        this.options.onEncoded?.(encoded);
        this.options.exporter.export(encoded);
      },
      (err: unknown) => {
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

  stats(): ExportingSinkStats {
    return { encoded: this.encoded, encodeFailures: this.encodeFailures };
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
