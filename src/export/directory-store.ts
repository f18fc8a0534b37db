import * as path from 'node:path';
import type { EncodedWindow } from '../pprof/encoded-window';
import { isOwnTemporary, tempNameFor } from './atomic-write';
import { INDEX_FILE, isRecordFile } from './directory-index';
import { figuresOf, indexParts, profileName, recordFor, recordName, stemOf } from './directory-plan';
import { call, type FileSteps } from './file-calls';
import { WindowCatalog } from './window-catalog';

export interface DirectoryStoreOptions {
  /** An absolute path. */
  readonly directory: string;
  /** Bound on the profiles and records in the directory; oldest windows go first. */
  readonly maxBytes: number;
  /**
   * Bound on the windows in the directory. The store keeps a little of each
   * (see WindowCatalog) and rewrites the index from all of them: this bounds
   * both, where small windows could fit hundreds of thousands in maxBytes.
   */
  readonly maxWindows: number;
  readonly serviceName: string;
}

/** A window on its way into the directory. */
export interface StoredWindow {
  readonly window: EncodedWindow;
  /** File names' stem, fixed when writing starts, so a write finished at exit reuses it. */
  stem?: string;
}

/** What one maintenance pass did. It never throws: the records are the truth, and readers fall back to them. */
export interface Maintenance {
  /** The directory was over its bound, so the oldest windows were removed. */
  readonly overBound: boolean;
  /** Windows removed (their records deleted) this pass. */
  readonly removed: number;
  /** Why the pass stopped short of writing the index. */
  readonly error?: unknown;
}

/**
 * The output directory's files: each window's profiles and record, the
 * bound, and the index. Every operation is one procedure of file calls
 * (see FileSteps), run with callbacks while the app runs and synchronously
 * at exit, so both write the same files the same way. It logs nothing: it
 * says what happened, and the caller decides what to report.
 */
export class DirectoryStore {
  /** What the directory holds, as last seen. */
  private readonly catalog: WindowCatalog;
  private sequence = 0;
  private removedSoFar = 0;
  private exitTookOver = false;

  constructor(private readonly options: DirectoryStoreOptions) {
    this.catalog = new WindowCatalog(options.serviceName);
  }

  get directory(): string {
    return this.options.directory;
  }

  /** Windows this process deleted to keep the directory within its bound. */
  get removed(): number {
    return this.removedSoFar;
  }

  /** The exit path has begun: it finishes the windows in progress under their names. */
  get exiting(): boolean {
    return this.exitTookOver;
  }

  beginExit(): void {
    this.exitTookOver = true;
  }

  /**
   * Writes the profiles, then the record, so a record appears only after
   * its profiles. A window whose record is already in place (a write the
   * exit path resumes) is not written again. Throws what stopped the write,
   * having removed the profiles it put in place.
   */
  *writeWindow(entry: StoredWindow): FileSteps<void> {
    const resumed = entry.stem !== undefined;
    const stem = (entry.stem ??= stemOf(entry.window.startEpochNs, ++this.sequence));
    const record = recordName(stem);
    // The record appears last: if it is there, the window was written whole.
    if (resumed && (yield* call('exists', this.pathOf(record)))) {
      const found = yield* call('readRecord', this.pathOf(record));
      if (found) this.catalog.addRead(record, found);
      return;
    }
    const startedBeforeExit = !this.exitTookOver;
    const files: Partial<Record<'cpu' | 'wall', string>> = {};
    try {
      yield* call('mkdir', this.directory);
      for (const profile of entry.window.profiles) {
        const name = profileName(stem, profile.kind);
        yield* call('write', this.pathOf(name), profile.gzip);
        files[profile.kind] = name;
      }
      const written = recordFor(entry.window, files, this.options.serviceName);
      yield* call('write', this.pathOf(record), JSON.stringify(written));
      if (resumed) this.catalog.addRead(record, written);
      else this.catalog.addOwn(stem, figuresOf(entry.window), written.bytes, files);
    } catch (err) {
      // Once the exit path has rewritten this window, these names hold its files: leave them.
      if (!(startedBeforeExit && this.exitTookOver)) yield* this.removeQuietly(Object.values(files));
      throw err;
    }
  }

  /**
   * Removes the temporary files of this process's writes cut short, re-reads
   * the records (other processes may share the directory), removes the
   * oldest windows past the bound, whoever wrote them, and rewrites the
   * index. Run only while none of this store's writes is under way: their
   * temporary files are this process's too.
   */
  *maintain(): FileSteps<Maintenance> {
    let overBound = false;
    let removed = 0;
    try {
      const names = yield* call('readdir', this.directory);
      yield* this.removeQuietly(names.filter(isOwnTemporary));
      yield* this.refresh(names.filter(isRecordFile));
      const victims = this.catalog.overBound(this.options.maxBytes, this.options.maxWindows);
      overBound = victims.length > 0;
      for (const victim of victims) {
        // The record goes first: without it the window is no longer listed.
        removed += yield* this.removeQuietly([victim.name]);
        yield* this.removeQuietly(victim.files);
        this.catalog.remove(victim.name);
      }
      this.removedSoFar += removed;
      yield* this.writeIndex();
      return { overBound, removed };
    } catch (error) {
      return { overBound, removed, error };
    }
  }

  /** Brings the catalog in line with the records `present`. */
  private *refresh(present: readonly string[]): FileSteps<void> {
    for (const name of this.catalog.reconcile(present)) {
      const record = yield* call('readRecord', this.pathOf(name));
      if (record) this.catalog.addRead(name, record);
    }
  }

  /** The index, written in parts under a temporary name, then put in place whole. */
  private *writeIndex(): FileSteps<void> {
    const file = this.pathOf(INDEX_FILE);
    const temp = tempNameFor(file);
    try {
      for (const part of indexParts(this.catalog.records())) yield* call('append', temp, part);
      yield* call('rename', temp, file);
    } catch (err) {
      yield* this.removeQuietly([path.basename(temp)]);
      throw err;
    }
  }

  /** Removes `names`, any already gone; returns how many it removed. */
  private *removeQuietly(names: readonly (string | undefined)[]): FileSteps<number> {
    let gone = 0;
    for (const name of names) {
      if (!name) continue;
      try {
        yield* call('unlink', this.pathOf(name));
        gone++;
      } catch {
        // Already gone.
      }
    }
    return gone;
  }

  private pathOf(name: string): string {
    return path.join(this.directory, name);
  }
}
