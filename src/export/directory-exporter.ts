import * as path from 'node:path';
import { encodedBytes, type EncodedWindow } from '../pprof/encoded-window';
import { FAILED, SENT, type Delivery, type QueuedWindow } from './delivery';
import { INDEX_FILE } from './directory-index';
import { DirectoryStore, type Maintenance, type StoredWindow } from './directory-store';
import type { ExitDelivery, ExitWindows } from './exit-delivery';
import type { ExporterStats } from './exporter';
import { runAsync, runSync } from './file-calls';
import type { Logger } from '../log/logger';
import { QueuedExporter } from './queued-exporter';

export interface DirectoryExporterOptions {
  readonly directory: string;
  /** Bound on the profiles and records in the directory; oldest windows go first. */
  readonly maxBytes: number;
  /** Bound on the windows in the directory; oldest go first. */
  readonly maxWindows: number;
  /** Bound on windows waiting to be written. */
  readonly maxQueueBytes: number;
  readonly serviceName: string;
  readonly logger: Logger;
}

export interface DirectoryExporterStats extends ExporterStats {
  /** Windows this process deleted to keep the directory within its bound. */
  readonly removed: number;
}

interface DirectoryEntry extends QueuedWindow, StoredWindow {}

/**
 * The directory is re-read and the index rewritten at most this often. Each
 * time reads every name and writes every record: done per window at short
 * windows, that churn alone grew RSS by about 20 MiB per 1,000 windows
 * (plain Node 20 and 24, without spanprof), where it stays flat without it.
 */
const MAINTAIN_EVERY_MS = 1000;

/**
 * Writes each window to a local directory: `<stem>.cpu.pb.gz`, and
 * `<stem>.wall.pb.gz` when there is a wall profile, then `<stem>.json`
 * describing the window, then `index.json` listing every window. Every file
 * appears whole (temporary name, then rename), and a record appears only
 * after its profiles. Stems start with the window's UTC start time, so names
 * sort by time; the process id keeps processes sharing a directory apart.
 *
 * The index is rebuilt from the records, so several processes can share one
 * directory and a restart picks up where it was. When the directory grows
 * past its bound, the oldest windows are deleted, whichever process wrote
 * them.
 */
export class DirectoryExporter extends QueuedExporter<DirectoryEntry> {
  private readonly store: DirectoryStore;
  private lastError: string | undefined;
  private boundReported = false;
  /** When the records were last re-read and the index rewritten (Date.now()). */
  private lastMaintained = 0;
  /** A window was written since: the index does not list it yet. */
  private indexStale = false;

  constructor(private readonly options: DirectoryExporterOptions) {
    super({
      maxQueueBytes: options.maxQueueBytes,
      logger: options.logger,
      startOnNextTurn: false,
      loopFailure: 'writing profiles failed',
      upkeepFailure: 'updating the index failed',
    });
    this.store = new DirectoryStore({
      directory: path.resolve(options.directory),
      maxBytes: options.maxBytes,
      maxWindows: options.maxWindows,
      serviceName: options.serviceName,
    });
  }

  get directory(): string {
    return this.store.directory;
  }

  override stats(): DirectoryExporterStats {
    return { ...super.stats(), removed: this.store.removed };
  }

  /**
   * Writes every window still queued, and `windows`, with synchronous calls:
   * for the moment the process exits, when no callback runs again. A window
   * whose write was under way keeps its file names, so its files are
   * replaced by the same bytes, never doubled, and one whose record is
   * already in place is not written again. Logs nothing (the caller reports
   * in one line), takes no window afterwards, and never throws.
   */
  finishAtExit(windows: ExitWindows, budgetMs: number): ExitDelivery {
    const started = Date.now();
    let written = 0;
    let failed = 0;
    let outOfTime = 0;
    let error: string | undefined;
    try {
      this.store.beginExit();
      const entries = [
        ...this.stopNow(),
        ...(windows.count > 0 ? windows.encoded() : []).map((window) => this.entryFor(window, encodedBytes(window))),
      ];
      for (const entry of entries) {
        if (Date.now() - started > budgetMs) {
          outOfTime++;
          continue;
        }
        try {
          runSync(this.store.writeWindow(entry));
          written++;
        } catch (err) {
          failed++;
          error ??= (err as { message?: string })?.message ?? String(err);
        }
      }
      this.count('sent', written);
      this.count('failed', failed);
      this.count('dropped', outOfTime);
      if (written > 0 || this.indexStale) runSync(this.store.maintain());
      this.indexStale = false;
      this.checkIdle();
    } catch (err) {
      error ??= String(err);
    }
    return { written, failed, outOfTime, directory: this.directory, undelivered: 0, ...(error !== undefined ? { error } : {}) };
  }

  protected entryFor(window: EncodedWindow, bytes: number): DirectoryEntry {
    return { window, bytes };
  }

  /** Writes the window whole, or removes what it wrote of it. */
  protected async deliver(entry: DirectoryEntry): Promise<Delivery> {
    try {
      await runAsync(this.store.writeWindow(entry));
    } catch (err) {
      // After the exit path took over, the window is its to count and report.
      if (!this.store.exiting) this.noteWriteError(err);
      return FAILED;
    }
    if (this.lastError !== undefined) this.logger.info(`writing profiles to ${this.directory} again`);
    this.lastError = undefined;
    return SENT;
  }

  protected override async afterSent(): Promise<void> {
    this.indexStale = true;
    // Otherwise the next window, a flush or the exit catches the index up:
    // the profiler closes windows whether or not the app is busy.
    if (Date.now() - this.lastMaintained >= MAINTAIN_EVERY_MS) await this.maintain();
  }

  protected override upkeepOwed(): boolean {
    return this.indexStale;
  }

  protected override upkeep(): Promise<void> {
    return this.maintain();
  }

  protected override onStop(): void {
    // The flush ran out of time before the index caught up: list what was
    // written, unless a write is still under way (its temporary file must stay).
    if (this.indexStale && !this.busy) runSync(this.store.maintain());
    this.indexStale = false;
  }

  protected reportQueueFull(count: number): void {
    this.logger.warn(`writing to ${this.directory} fell behind: dropped the oldest ${count} window(s)`);
  }

  protected reportLeftAtShutdown(count: number): void {
    this.logger.warn(`${count} window(s) not written to ${this.directory} before shutdown; dropped`);
  }

  /** Re-reads the records, keeps the bounds, and rewrites the index. */
  private async maintain(): Promise<void> {
    this.lastMaintained = Date.now();
    this.indexStale = false;
    this.noteMaintenance(await runAsync(this.store.maintain()));
  }

  private noteMaintenance(done: Maintenance): void {
    if (done.overBound) {
      const message =
        `${this.directory} is at its bound (${this.options.maxBytes} bytes, SPANPROF_OUTPUT_MAX_BYTES, ` +
        `or ${this.options.maxWindows} windows, SPANPROF_OUTPUT_MAX_WINDOWS): ` +
        `removed the oldest ${done.removed} window(s); ${this.store.removed} removed so far`;
      if (!this.boundReported) this.logger.info(message);
      else this.logger.debug(message);
      this.boundReported = true;
    }
    if (done.error !== undefined) {
      this.logger.warn(`could not update ${path.join(this.directory, INDEX_FILE)}: ${String(done.error)}`);
    }
  }

  private noteWriteError(err: unknown): void {
    const e = err as { code?: string; message?: string };
    const key = e?.code ?? String(err);
    const message =
      `cannot write profiles to ${this.directory} (SPANPROF_OUTPUT_DIR): ${e?.message ?? String(err)}. ` +
      'Windows are not kept until it is writable; the app runs on.';
    if (key !== this.lastError) this.logger.error(message);
    else this.logger.debug(message);
    this.lastError = key;
  }
}
