import { mkdir, readdir, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { encodedBytes, type EncodedWindow } from '../pprof/encoded-window';
import { writeFileAtomic } from './atomic-write';
import { ByteBoundedQueue } from './byte-queue';
import {
  INDEX_FILE,
  PROFILE_SUFFIX,
  RECORD_SUFFIX,
  byTime,
  isRecordFile,
  readRecord,
  type OutputIndex,
  type WindowRecord,
} from './directory-index';
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
  private shutdownDone: Promise<void> | undefined;
  private sequence = 0;
  private lastError: string | undefined;
  private boundReported = false;

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
    return this.idle.wait(deadlineMs);
  }

  shutdown(deadlineMs: number): Promise<void> {
    this.shutdownDone ??= (async () => {
      this.closing = true;
      await this.flush(deadlineMs);
      this.closed = true;
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
    return this.queue.length === 0 && this.writing === undefined;
  }

  private startWriting(): void {
    if (this.writing) return;
    this.writing = this.writeAll()
      .catch((err) => this.logger.error(`writing profiles failed: ${String(err)}`))
      .finally(() => {
        this.writing = undefined;
        if (this.queue.length > 0 && !this.closed) this.startWriting();
        else this.idle.check();
      });
  }

  private async writeAll(): Promise<void> {
    for (;;) {
      const entry = this.queue.peek();
      if (!entry || this.closed) return;
      this.queue.setBusy(entry);
      const ok = await this.writeWindow(entry.window);
      this.queue.remove(entry);
      if (!ok) {
        this.failed++;
        continue;
      }
      this.sent++;
      await this.maintain();
    }
  }

  /** Writes the profiles, then the record. False if the window could not be kept. */
  private async writeWindow(window: EncodedWindow): Promise<boolean> {
    const stem = `${compactIso(window.startEpochNs)}-${process.pid}-${String(++this.sequence).padStart(6, '0')}`;
    const files: Partial<Record<'cpu' | 'wall', string>> = {};
    try {
      await mkdir(this.dir, { recursive: true });
      for (const profile of window.profiles) {
        const name = `${stem}.${profile.kind}${PROFILE_SUFFIX}`;
        await writeFileAtomic(path.join(this.dir, name), profile.gzip);
        files[profile.kind] = name;
      }
      const recordName = `${stem}${RECORD_SUFFIX}`;
      // The record counts its own size; 12 bytes leave room for that number.
      const recordBytes = Buffer.byteLength(JSON.stringify(this.record(window, files, 0))) + 12;
      const text = JSON.stringify(this.record(window, files, encodedBytes(window) + recordBytes));
      await writeFileAtomic(path.join(this.dir, recordName), text);
      this.known.set(recordName, JSON.parse(text) as WindowRecord);
      if (this.lastError !== undefined) this.logger.info(`writing profiles to ${this.dir} again`);
      this.lastError = undefined;
      return true;
    } catch (err) {
      await Promise.all(Object.values(files).map((f) => unlink(path.join(this.dir, f)).catch(() => undefined)));
      this.noteWriteError(err);
      return false;
    }
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
    try {
      await this.refreshKnown();
      await this.keepWithinBound();
      const index: OutputIndex = { version: 1, windows: [...this.known.values()].sort(byTime) };
      await writeFileAtomic(path.join(this.dir, INDEX_FILE), JSON.stringify(index, null, 1));
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
    let total = 0;
    for (const r of this.known.values()) total += r.bytes;
    if (total <= this.options.maxBytes) return;
    const oldestFirst = [...this.known.entries()].sort((a, b) => byTime(a[1], b[1]));
    let removedNow = 0;
    for (const [name, record] of oldestFirst) {
      if (total <= this.options.maxBytes) break;
      // The record goes first: without it the window is no longer listed.
      const gone = await unlink(path.join(this.dir, name)).then(
        () => true,
        () => false,
      );
      for (const file of Object.values(record.files)) {
        if (file) await unlink(path.join(this.dir, file)).catch(() => undefined);
      }
      this.known.delete(name);
      total -= record.bytes;
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
