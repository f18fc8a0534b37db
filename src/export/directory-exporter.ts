import { existsSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { encodedBytes, type EncodedWindow } from '../pprof/encoded-window';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write';
import { ByteBoundedQueue } from './byte-queue';
import {
  INDEX_FILE,
  PROFILE_SUFFIX,
  RECORD_SUFFIX,
  byTime,
  isRecordFile,
  readRecord,
  readRecordSync,
  type OutputIndex,
  type WindowRecord,
} from './directory-index';
import type { ExitDelivery, ExitWindows } from './exit-delivery';
import type { ExporterStats, ProfileExporter } from './exporter';
import { IdleWaiters } from './idle-waiters';
import type { Logger } from './logger';

export interface DirectoryExporterOptions {
  readonly directory: string;
  /** Bound on the profiles and records in the directory; oldest windows go first. */
  readonly maxBytes: number;
  /** Bound on windows waiting to be written. */
  readonly maxQueueBytes: number;
  readonly serviceName: string;
  readonly logger: Logger;
}

export interface DirectoryExporterStats extends ExporterStats {
  /** Windows this process deleted to keep the directory within its bound. */
  readonly removed: number;
}

interface QueuedWindow {
  readonly window: EncodedWindow;
  readonly bytes: number;
  /** File names' stem, fixed when writing starts, so a write finished at exit reuses it. */
  stem?: string;
}

/**
 * Writes each window to a local directory: `<stem>.cpu.pb.gz`, and
 * `<stem>.wall.pb.gz` when there is a wall profile, then `<stem>.json`
 * describing the window, then `index.json` listing every window. Every file
 * appears whole (temporary name, then rename), and a record appears only
 * after its profiles. Stems start with the window's UTC start time, so names
 * sort by time; the process id keeps processes sharing a directory apart.
 *
 * The index is rebuilt from the records after every window, so several
 * processes can share one directory and a restart picks up where it was.
 * When the directory grows past its bound, the oldest windows are deleted,
 * whichever process wrote them.
 */
/**
 * The directory is re-read and the index rewritten at most this often. Each
 * time reads every name and writes every record: done per window at short
 * windows, that churn alone grew RSS by about 20 MiB per 1,000 windows
 * (plain Node 20 and 24, without spanprof), where it stays flat without it.
 */
const MAINTAIN_EVERY_MS = 1000;

export class DirectoryExporter implements ProfileExporter {
  private readonly dir: string;
  private readonly logger: Logger;
  private readonly queue: ByteBoundedQueue<QueuedWindow>;
  /** Record file name → record: what the directory holds, as last seen. */
  private readonly known = new Map<string, WindowRecord>();
  private readonly idle = new IdleWaiters(() => this.isIdle());
  private writing: Promise<void> | undefined;
  private closing = false;
  private closed = false;
  /** finishAtExit ran: the windows are written or counted. */
  private exited = false;
  private shutdownDone: Promise<void> | undefined;
  private sequence = 0;
  private lastError: string | undefined;
  private boundReported = false;

  /** When the records were last re-read and the index rewritten (Date.now()). */
  private lastMaintained = 0;
  /** A window was written since: the index does not list it yet. */
  private indexStale = false;

  private sent = 0;
  private failed = 0;
  private dropped = 0;
  private removed = 0;

  constructor(private readonly options: DirectoryExporterOptions) {
    this.dir = path.resolve(options.directory);
    this.logger = options.logger;
    this.queue = new ByteBoundedQueue(options.maxQueueBytes);
  }

  get directory(): string {
    return this.dir;
  }

  export(window: EncodedWindow): void {
    try {
      if (this.closing) {
        this.dropped++;
        this.logger.debug('a window arrived after shutdown began; dropped');
        return;
      }
      const dropped = this.queue.push({ window, bytes: encodedBytes(window) }).length;
      if (dropped > 0) {
        this.dropped += dropped;
        this.logger.warn(`writing to ${this.dir} fell behind: dropped the oldest ${dropped} window(s)`);
      }
      this.startWriting();
    } catch (err) {
      this.dropped++;
      this.logger.error(`could not queue a window: ${String(err)}`);
    }
  }

  flush(deadlineMs: number): Promise<boolean> {
    // A flushed directory lists every window it holds.
    if (this.indexStale) this.maintainNow();
    return this.idle.wait(deadlineMs);
  }

  shutdown(deadlineMs: number): Promise<void> {
    this.shutdownDone ??= (async () => {
      this.closing = true;
      await this.flush(deadlineMs);
      this.closed = true;
      // The flush ran out of time before the index caught up: list what was
      // written, unless a write is still under way (its temporary file must stay).
      if (this.indexStale && this.writing === undefined) this.maintainSync();
      this.indexStale = false;
      const left = this.queue.drain();
      if (left.length > 0) {
        this.dropped += left.length;
        this.logger.warn(`${left.length} window(s) not written to ${this.dir} before shutdown; dropped`);
      }
      this.idle.check();
    })().catch((err) => this.logger.error(`shutdown failed: ${String(err)}`));
    return this.shutdownDone;
  }

  stats(): DirectoryExporterStats {
    return {
      sent: this.sent,
      failed: this.failed,
      dropped: this.dropped,
      retried: 0,
      removed: this.removed,
      pending: this.queue.length,
      pendingBytes: this.queue.bytes,
    };
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.writing === undefined && !this.indexStale;
  }

  private startWriting(): void {
    if (this.writing) return;
    this.writing = this.writeAll()
      .catch((err) => this.logger.error(`writing profiles failed: ${String(err)}`))
      .finally(() => {
        this.writing = undefined;
        if (this.queue.length > 0 && !this.closed) this.startWriting();
        // A flush is waiting: it wants the index now, not when the interval is over.
        else if (this.indexStale && this.idle.waiting) this.maintainNow();
        else this.idle.check();
      });
  }

  private async writeAll(): Promise<void> {
    for (;;) {
      const entry = this.queue.peek();
      if (!entry || this.closed) return;
      this.queue.setBusy(entry);
      entry.stem ??= this.nextStem(entry.window);
      const ok = await this.writeWindow(entry.window, entry.stem);
      // Taken and counted by finishAtExit meanwhile.
      if (!this.queue.remove(entry)) return;
      if (!ok) {
        this.failed++;
        continue;
      }
      this.sent++;
      this.indexStale = true;
      // Otherwise the next window, a flush or the exit catches the index up:
      // the profiler closes windows whether or not the app is busy.
      if (Date.now() - this.lastMaintained >= MAINTAIN_EVERY_MS) await this.maintain();
    }
  }

  /** Brings the index up to date now, unless a write (which will) is under way. */
  private maintainNow(): void {
    if (this.writing !== undefined || this.closed) return;
    this.writing = this.maintain()
      .catch((err) => this.logger.error(`updating the index failed: ${String(err)}`))
      .finally(() => {
        this.writing = undefined;
        if (this.queue.length > 0 && !this.closed) this.startWriting();
        else this.idle.check();
      });
  }

  private nextStem(window: EncodedWindow): string {
    return `${compactIso(window.startEpochNs)}-${process.pid}-${String(++this.sequence).padStart(6, '0')}`;
  }

  /** Writes the profiles, then the record. False if the window could not be kept. */
  private async writeWindow(window: EncodedWindow, stem: string): Promise<boolean> {
    const files: Partial<Record<'cpu' | 'wall', string>> = {};
    try {
      await mkdir(this.dir, { recursive: true });
      for (const profile of window.profiles) {
        const name = `${stem}.${profile.kind}${PROFILE_SUFFIX}`;
        await writeFileAtomic(path.join(this.dir, name), profile.gzip);
        files[profile.kind] = name;
      }
      const recordName = `${stem}${RECORD_SUFFIX}`;
      const text = this.recordText(window, files);
      await writeFileAtomic(path.join(this.dir, recordName), text);
      this.known.set(recordName, JSON.parse(text) as WindowRecord);
      if (this.lastError !== undefined) this.logger.info(`writing profiles to ${this.dir} again`);
      this.lastError = undefined;
      return true;
    } catch (err) {
      // After finishAtExit, these names hold the window it wrote: leave them.
      if (this.exited) return false;
      await Promise.all(Object.values(files).map((f) => unlink(path.join(this.dir, f)).catch(() => undefined)));
      this.noteWriteError(err);
      return false;
    }
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
      this.closing = true;
      this.closed = true;
      this.exited = true;
      const entries: QueuedWindow[] = [
        ...this.queue.drain(),
        ...(windows.count > 0 ? windows.encoded() : []).map((window) => ({ window, bytes: encodedBytes(window) })),
      ];
      for (const entry of entries) {
        if (Date.now() - started > budgetMs) {
          outOfTime++;
          continue;
        }
        try {
          this.writeWindowSync(entry);
          written++;
        } catch (err) {
          failed++;
          error ??= (err as { message?: string })?.message ?? String(err);
        }
      }
      this.sent += written;
      this.failed += failed;
      this.dropped += outOfTime;
      if (written > 0 || this.indexStale) this.maintainSync();
      this.indexStale = false;
      this.idle.check();
    } catch (err) {
      error ??= String(err);
    }
    return { written, failed, outOfTime, directory: this.dir, undelivered: 0, ...(error !== undefined ? { error } : {}) };
  }

  private writeWindowSync(entry: QueuedWindow): void {
    const resumed = entry.stem !== undefined;
    const stem = (entry.stem ??= this.nextStem(entry.window));
    const recordName = `${stem}${RECORD_SUFFIX}`;
    const recordPath = path.join(this.dir, recordName);
    // The record appears last: if it is there, the window was written whole.
    if (resumed && existsSync(recordPath)) {
      const record = readRecordSync(recordPath);
      if (record) this.known.set(recordName, record);
      return;
    }
    const files: Partial<Record<'cpu' | 'wall', string>> = {};
    try {
      mkdirSync(this.dir, { recursive: true });
      for (const profile of entry.window.profiles) {
        const name = `${stem}.${profile.kind}${PROFILE_SUFFIX}`;
        writeFileAtomicSync(path.join(this.dir, name), profile.gzip);
        files[profile.kind] = name;
      }
      const text = this.recordText(entry.window, files);
      writeFileAtomicSync(recordPath, text);
      this.known.set(recordName, JSON.parse(text) as WindowRecord);
    } catch (err) {
      for (const f of Object.values(files)) {
        try {
          unlinkSync(path.join(this.dir, f));
        } catch {
          // Already gone.
        }
      }
      throw err;
    }
  }

  /** maintain() with synchronous calls. */
  private maintainSync(): void {
    try {
      const names = readdirSync(this.dir);
      // An asynchronous write cut short by the exit leaves its temporary file.
      const ownTemp = `.${process.pid}.`;
      for (const name of names) {
        if (!name.startsWith('.') || !name.endsWith('.tmp') || !name.includes(ownTemp)) continue;
        try {
          unlinkSync(path.join(this.dir, name));
        } catch {
          // Already renamed or removed.
        }
      }
      const present = new Set(names.filter(isRecordFile));
      for (const name of this.known.keys()) if (!present.has(name)) this.known.delete(name);
      for (const name of present) {
        if (this.known.has(name)) continue;
        const record = readRecordSync(path.join(this.dir, name));
        if (record) this.known.set(name, record);
      }
      const victims = this.overBound();
      for (const [name, record] of victims) {
        let gone = true;
        try {
          unlinkSync(path.join(this.dir, name));
        } catch {
          gone = false;
        }
        for (const file of Object.values(record.files)) {
          try {
            if (file) unlinkSync(path.join(this.dir, file));
          } catch {
            // Already gone.
          }
        }
        this.known.delete(name);
        if (gone) this.removed++;
      }
      writeFileAtomicSync(path.join(this.dir, INDEX_FILE), this.indexText());
    } catch {
      // The records are the truth; readers fall back to them.
    }
  }

  /** The record of a window as written; it counts its own size. */
  private recordText(window: EncodedWindow, files: WindowRecord['files']): string {
    // 12 bytes leave room for the size's own digits.
    const recordBytes = Buffer.byteLength(JSON.stringify(this.record(window, files, 0))) + 12;
    return JSON.stringify(this.record(window, files, encodedBytes(window) + recordBytes));
  }

  private indexText(): string {
    const index: OutputIndex = { version: 1, windows: [...this.known.values()].sort(byTime) };
    return JSON.stringify(index, null, 1);
  }

  /** The oldest windows to remove, in order, to bring the directory within its bound. */
  private overBound(): [string, WindowRecord][] {
    let total = 0;
    for (const r of this.known.values()) total += r.bytes;
    const victims: [string, WindowRecord][] = [];
    if (total <= this.options.maxBytes) return victims;
    for (const entry of [...this.known.entries()].sort((a, b) => byTime(a[1], b[1]))) {
      if (total <= this.options.maxBytes) break;
      victims.push(entry);
      total -= entry[1].bytes;
    }
    return victims;
  }

  private record(window: EncodedWindow, files: WindowRecord['files'], bytes: number): WindowRecord {
    return {
      from: isoOf(window.startEpochNs),
      until: isoOf(window.endEpochNs),
      startEpochNs: window.startEpochNs.toString(),
      endEpochNs: window.endEpochNs.toString(),
      service: this.options.serviceName,
      samples: window.summary.samples,
      cpuSamples: window.summary.cpuSamples,
      spans: window.summary.spans,
      files,
      bytes,
      pid: process.pid,
    };
  }

  private noteWriteError(err: unknown): void {
    const e = err as { code?: string; message?: string };
    const key = e?.code ?? String(err);
    const message =
      `cannot write profiles to ${this.dir} (SPANPROF_OUTPUT_DIR): ${e?.message ?? String(err)}. ` +
      'Windows are not kept until it is writable; the app runs on.';
    if (key !== this.lastError) this.logger.error(message);
    else this.logger.debug(message);
    this.lastError = key;
  }

  /** Re-reads the records, keeps the size bound, and rewrites the index. */
  private async maintain(): Promise<void> {
    this.lastMaintained = Date.now();
    this.indexStale = false;
    try {
      await this.refreshKnown();
      await this.keepWithinBound();
      await writeFileAtomic(path.join(this.dir, INDEX_FILE), this.indexText());
    } catch (err) {
      this.logger.warn(`could not update ${path.join(this.dir, INDEX_FILE)}: ${String(err)}`);
    }
  }

  private async refreshKnown(): Promise<void> {
    const present = new Set((await readdir(this.dir)).filter(isRecordFile));
    for (const name of this.known.keys()) if (!present.has(name)) this.known.delete(name);
    for (const name of present) {
      if (this.known.has(name)) continue;
      const record = await readRecord(path.join(this.dir, name));
      if (record) this.known.set(name, record);
    }
  }

  private async keepWithinBound(): Promise<void> {
    const victims = this.overBound();
    if (victims.length === 0) return;
    let removedNow = 0;
    for (const [name, record] of victims) {
      // The record goes first: without it the window is no longer listed.
      const gone = await unlink(path.join(this.dir, name)).then(
        () => true,
        () => false,
      );
      for (const file of Object.values(record.files)) {
        if (file) await unlink(path.join(this.dir, file)).catch(() => undefined);
      }
      this.known.delete(name);
      if (gone) removedNow++;
    }
    this.removed += removedNow;
    const message =
      `${this.dir} is at its size bound (${this.options.maxBytes} bytes, SPANPROF_OUTPUT_MAX_BYTES): ` +
      `removed the oldest ${removedNow} window(s); ${this.removed} removed so far`;
    if (!this.boundReported) this.logger.info(message);
    else this.logger.debug(message);
    this.boundReported = true;
  }
}

function isoOf(epochNs: bigint): string {
  return new Date(Number(epochNs / 1_000_000n)).toISOString();
}

/** `20240102T030405.678Z`: sortable and safe in every file system. */
function compactIso(epochNs: bigint): string {
  return isoOf(epochNs).replace(/[-:]/g, '');
}
