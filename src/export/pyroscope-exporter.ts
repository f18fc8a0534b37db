import type { EncodedWindow } from '../pprof/encoded-window';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './backoff';
import { AGAIN, FAILED, SENT, STOP, type Delivery, type QueuedWindow } from './delivery';
import { createHttpUploader, type HttpUploader, type UploadOutcome } from './http-uploader';
import type { Logger } from '../log/logger';
import { refusalHint, tooManyHint } from './pyroscope-hints';
import { uploadRequests, type UploadRequest } from './pyroscope-requests';
import type { PyroscopeTarget } from '../config/pyroscope-target';
import { QueuedExporter } from './queued-exporter';

export interface PyroscopeExporterOptions {
  readonly target: PyroscopeTarget;
  /** Bound on windows waiting to be sent, in gzip'd bytes. */
  readonly maxQueueBytes: number;
  readonly logger: Logger;
  readonly backoff?: BackoffPolicy;
  /** Whether samples carry trace_id: a 429 then says how to leave it out. */
  readonly traceIdLabel?: boolean;
}

interface UploadEntry extends QueuedWindow {
  /** Built when first sent, so export() stays cheap. */
  requests?: UploadRequest[];
  /** Index of the next request to send. */
  next: number;
  /** Failed attempts of the current request. */
  attempts: number;
  /** A request of this window was refused. */
  refused: boolean;
}

/**
 * Uploads windows to Pyroscope, one request at a time and in order. A failed
 * request that may succeed later (network error, timeout, 408, 429, 5xx) is
 * retried with backoff while later windows wait behind it, so windows arrive
 * in order; the queue's byte bound decides what an outage costs, oldest
 * first. A refused request (other 4xx) is never retried.
 */
export class PyroscopeExporter extends QueuedExporter<UploadEntry> {
  private readonly target: PyroscopeTarget;
  private readonly backoff: BackoffPolicy;
  private readonly uploader: HttpUploader;
  private readonly cancel = new AbortController();

  private readonly refusedByStatus = new Map<string, number>();
  /** Retries since the last success, for one warning per outage. */
  private failingSince = 0;
  private dropsUnreported = true;

  constructor(private readonly options: PyroscopeExporterOptions) {
    super({
      maxQueueBytes: options.maxQueueBytes,
      logger: options.logger,
      // The first request is built on a later turn, not in the caller's export().
      startOnNextTurn: true,
      loopFailure: 'upload loop failed',
    });
    this.target = options.target;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.uploader = createHttpUploader(options.target);
  }

  protected entryFor(window: EncodedWindow, bytes: number): UploadEntry {
    return { window, bytes, next: 0, attempts: 0, refused: false };
  }

  /** Sends the window's next request once. */
  protected async deliver(entry: UploadEntry): Promise<Delivery> {
    entry.requests ??= uploadRequests(this.target, entry.window);
    const request = entry.requests[entry.next];
    const outcome = await this.uploader.send(request, this.cancel.signal);
    if (outcome.kind === 'cancelled') return STOP;
    if (outcome.kind === 'retry') {
      this.count('retried');
      entry.attempts++;
      this.noteRetry(request, outcome);
      return { kind: 'again', afterMs: retryDelayMs(this.backoff, entry.attempts, outcome.retryAfterMs) };
    }
    if (outcome.kind === 'reject') {
      entry.refused = true;
      this.noteRefusal(request, outcome);
    } else {
      this.noteSuccess();
    }
    entry.attempts = 0;
    entry.next++;
    if (entry.next < entry.requests.length) return AGAIN;
    return entry.refused ? FAILED : SENT;
  }

  protected override onStop(): void {
    this.cancel.abort();
  }

  /** Keep a little time to cancel and release sockets within the deadline. */
  protected override releaseMarginMs(deadlineMs: number): number {
    return Math.min(100, deadlineMs / 10);
  }

  protected override release(): Promise<void> {
    return this.uploader.destroy();
  }

  protected reportQueueFull(count: number, droppedSoFar: number): void {
    const message =
      `upload queue full (${this.options.maxQueueBytes} bytes, SPANPROF_MAX_QUEUE_BYTES): ` +
      `dropped the oldest ${count} window(s); ${droppedSoFar} dropped so far`;
    if (this.dropsUnreported) this.logger.warn(message);
    else this.logger.debug(message);
    this.dropsUnreported = false;
  }

  protected reportLeftAtShutdown(count: number): void {
    this.logger.warn(
      `${count} profile window(s) not delivered to ${this.target.serverAddress} before shutdown; dropped`,
    );
  }

  private noteRetry(request: UploadRequest, outcome: { reason: string; status?: number }): void {
    this.failingSince++;
    const hint = outcome.status === 429 ? tooManyHint(this.options.traceIdLabel === true) : '';
    const message =
      `profile upload (${request.what}) to ${this.target.serverAddress} failed: ${outcome.reason}; ` +
      `retrying with backoff.${hint}`;
    if (this.failingSince === 1) this.logger.warn(message);
    else this.logger.debug(`${message} (retry ${this.failingSince})`);
  }

  private noteSuccess(): void {
    if (this.failingSince > 0) {
      this.logger.info(
        `profile upload to ${this.target.serverAddress} recovered after ${this.failingSince} retries`,
      );
    }
    this.failingSince = 0;
    this.dropsUnreported = true;
  }

  private noteRefusal(request: UploadRequest, outcome: Extract<UploadOutcome, { kind: 'reject' }>): void {
    const key = outcome.status === undefined ? outcome.reason : String(outcome.status);
    const count = (this.refusedByStatus.get(key) ?? 0) + 1;
    this.refusedByStatus.set(key, count);
    const message =
      `${this.target.serverAddress} refused a profile upload (${request.what}): ${outcome.reason}. ` +
      `${refusalHint(outcome.status, this.target)}Not retried; ${count} refused with this answer so far.`;
    if (count === 1) this.logger.error(message);
    else this.logger.debug(message);
  }
}
