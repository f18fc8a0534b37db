import type { EncodedWindow } from '../pprof/encoded-window';
import { encodedBytes } from '../pprof/encoded-window';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './backoff';
import { ByteBoundedQueue } from './byte-queue';
import type { ExporterStats, ProfileExporter } from './exporter';
import { createHttpUploader, type HttpUploader, type UploadOutcome } from './http-uploader';
import { IdleWaiters } from './idle-waiters';
import type { Logger } from './logger';
import { uploadRequests, type UploadRequest } from './pyroscope-requests';
import type { PyroscopeTarget } from './pyroscope-target';
import { Sleeper } from './sleeper';

export interface PyroscopeExporterOptions {
  readonly target: PyroscopeTarget;
  /** Bound on windows waiting to be sent, in gzip'd bytes. */
  readonly maxQueueBytes: number;
  readonly logger: Logger;
  readonly backoff?: BackoffPolicy;
  /** Whether samples carry trace_id: a 429 then says how to leave it out. */
  readonly traceIdLabel?: boolean;
}

interface QueuedWindow {
  readonly window: EncodedWindow;
  readonly bytes: number;
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
export class PyroscopeExporter implements ProfileExporter {
  private readonly target: PyroscopeTarget;
  private readonly logger: Logger;
  private readonly backoff: BackoffPolicy;
  private readonly queue: ByteBoundedQueue<QueuedWindow>;
  private readonly uploader: HttpUploader;
  private readonly cancel = new AbortController();
  private readonly sleeper = new Sleeper();
  private readonly idle = new IdleWaiters(() => this.isIdle());
  private pumping: Promise<void> | undefined;
  private closing = false;
  private shutdownDone: Promise<void> | undefined;

  private sent = 0;
  private failed = 0;
  private dropped = 0;
  private retried = 0;
  private readonly refusedByStatus = new Map<string, number>();
  /** Retries since the last success, for one warning per outage. */
  private failingSince = 0;
  private dropsUnreported = true;

  constructor(private readonly options: PyroscopeExporterOptions) {
    this.target = options.target;
    this.logger = options.logger;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.queue = new ByteBoundedQueue(options.maxQueueBytes);
    this.uploader = createHttpUploader(options.target);
  }

  export(window: EncodedWindow): void {
    try {
      if (this.closing) {
        this.dropped++;
        this.logger.debug('a window arrived after shutdown began; dropped');
        return;
      }
      const entry: QueuedWindow = { window, bytes: encodedBytes(window), next: 0, attempts: 0, refused: false };
      this.countDrops(this.queue.push(entry).length);
      this.startPump();
    } catch (err) {
      this.dropped++;
      this.logger.error(`could not queue a window: ${String(err)}`);
    }
  }

  flush(deadlineMs: number): Promise<boolean> {
    return this.idle.wait(deadlineMs);
  }

  shutdown(deadlineMs: number): Promise<void> {
    this.shutdownDone ??= this.close(deadlineMs).catch((err) => {
      this.logger.error(`shutdown failed: ${String(err)}`);
    });
    return this.shutdownDone;
  }

  stats(): ExporterStats {
    return {
      sent: this.sent,
      failed: this.failed,
      dropped: this.dropped,
      retried: this.retried,
      pending: this.queue.length,
      pendingBytes: this.queue.bytes,
    };
  }

  private async close(deadlineMs: number): Promise<void> {
    const started = Date.now();
    this.closing = true;
    // Retry now rather than after a backoff that would outlast the deadline.
    this.sleeper.wake();
    // Keep a little time to cancel and release sockets within the deadline.
    const margin = Math.min(100, deadlineMs / 10);
    await this.flush(deadlineMs - margin);
    this.cancel.abort();
    this.sleeper.wake();
    const left = this.queue.drain();
    if (left.length > 0) {
      this.dropped += left.length;
      this.logger.warn(
        `${left.length} profile window(s) not delivered to ${this.target.serverAddress} before shutdown; dropped`,
      );
    }
    const remaining = Math.max(0, deadlineMs - (Date.now() - started));
    await withinMs(Promise.all([this.pumping, this.uploader.destroy()]), remaining);
    this.idle.check();
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.pumping === undefined;
  }

  private startPump(): void {
    if (this.pumping) return;
    // The first request is built on a later turn, not in the caller's export().
    this.pumping = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.pump())
      .catch((err) => this.logger.error(`upload loop failed: ${String(err)}`))
      .finally(() => {
        this.pumping = undefined;
        if (this.queue.length > 0 && !this.cancel.signal.aborted) this.startPump();
        else this.idle.check();
      });
  }

  private async pump(): Promise<void> {
    for (;;) {
      const entry = this.queue.peek();
      if (!entry || this.cancel.signal.aborted) return;
      entry.requests ??= uploadRequests(this.target, entry.window);
      const request = entry.requests[entry.next];
      this.queue.setBusy(entry);
      const outcome = await this.uploader.send(request, this.cancel.signal);
      this.queue.setBusy(undefined);
      if (outcome.kind === 'cancelled') return;
      if (outcome.kind === 'retry') {
        this.retried++;
        entry.attempts++;
        this.noteRetry(request, outcome);
        this.countDrops(this.queue.trim().length);
        await this.sleeper.sleep(retryDelayMs(this.backoff, entry.attempts, outcome.retryAfterMs));
        continue;
      }
      if (outcome.kind === 'reject') {
        entry.refused = true;
        this.noteRefusal(request, outcome);
      } else {
        this.noteSuccess();
      }
      entry.attempts = 0;
      entry.next++;
      if (entry.next >= entry.requests.length) {
        this.queue.remove(entry);
        if (entry.refused) this.failed++;
        else this.sent++;
      }
    }
  }

  private countDrops(count: number): void {
    if (count === 0) return;
    this.dropped += count;
    const message =
      `upload queue full (${this.options.maxQueueBytes} bytes, SPANPROF_MAX_QUEUE_BYTES): ` +
      `dropped the oldest ${count} window(s); ${this.dropped} dropped so far`;
    if (this.dropsUnreported) this.logger.warn(message);
    else this.logger.debug(message);
    this.dropsUnreported = false;
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

/**
 * Pyroscope answers 429 past a per-tenant limit: ingest rate, or series
 * (5,000 by default). Series grow with label values, so say which of ours
 * multiply them.
 */
function tooManyHint(traceIdLabel: boolean): string {
  const traceId = traceIdLabel
    ? ' Before Pyroscope 2.1.0 every trace_id is a series of its own: set SPANPROF_TRACE_ID_LABEL=false.'
    : '';
  return (
    ` The server is over a per-tenant limit (series or ingest rate).${traceId}` +
    ' span_name and withLabels values are series labels: use SPANPROF_SPAN_NAME_SCOPE=none or a lower' +
    " SPANPROF_MAX_LABEL_SETS, or raise the tenant's limits."
  );
}

function refusalHint(status: number | undefined, target: PyroscopeTarget): string {
  switch (status) {
    case 401:
    case 403:
      return target.auth === undefined
        ? 'The server wants credentials: set PYROSCOPE_AUTH_TOKEN, or PYROSCOPE_BASIC_AUTH_USER and PYROSCOPE_BASIC_AUTH_PASSWORD. '
        : 'Check PYROSCOPE_AUTH_TOKEN or PYROSCOPE_BASIC_AUTH_USER/PYROSCOPE_BASIC_AUTH_PASSWORD, and PYROSCOPE_TENANT_ID. ';
    case 404:
    case 405:
      return `No ${target.protocol} API at this address: check PYROSCOPE_SERVER_ADDRESS and SPANPROF_UPLOAD_PROTOCOL. `;
    case 413:
      return 'The profile is larger than the server accepts. ';
    default:
      return '';
  }
}

/** Waits for `promise`, but no longer than `ms`. */
async function withinMs(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
