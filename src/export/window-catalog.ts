import { byTime, type WindowRecord } from './directory-index';
import { profileName, recordName, recordOf, type WindowFigures } from './directory-plan';

/** A window to remove: its record's name and its profiles' names. */
export interface CatalogedWindow {
  readonly name: string;
  readonly files: readonly string[];
}

/**
 * What the catalog keeps of a window this process wrote: its record is
 * rebuilt from these when the index is written. About 250 bytes of heap,
 * where the parsed record took about 500: a service writing a window every
 * 10 s into a 256 MiB directory can hold tens of thousands of them.
 */
interface OwnWindow extends WindowFigures {
  /** Its files' common stem (see stemOf): kept, as making it again costs more than its bytes. */
  readonly stem: string;
  readonly bytes: number;
  readonly hasCpu: boolean;
  readonly hasWall: boolean;
}

/**
 * The windows in the output directory, as last seen, oldest first: this
 * process's own in compact form, and whole records for those it read
 * (other processes sharing the directory, or a write resumed at exit).
 */
export class WindowCatalog {
  private own: OwnWindow[] = [];
  private readonly read = new Map<string, WindowRecord>();

  constructor(private readonly serviceName: string) {}

  /** A window this process just wrote under `stem`. */
  addOwn(stem: string, figures: WindowFigures, bytes: number, files: WindowRecord['files']): void {
    const entry: OwnWindow = {
      stem,
      startEpochNs: figures.startEpochNs,
      endEpochNs: figures.endEpochNs,
      samples: figures.samples,
      cpuSamples: figures.cpuSamples,
      spans: figures.spans,
      bytes,
      hasCpu: files.cpu !== undefined,
      hasWall: files.wall !== undefined,
    };
    // Windows are written in the order they close, so this is an append but for a race.
    let at = this.own.length;
    while (at > 0 && this.own[at - 1].startEpochNs > entry.startEpochNs) at--;
    this.own.splice(at, 0, entry);
  }

  /** A record read from the directory. */
  addRead(name: string, record: WindowRecord): void {
    this.read.set(name, record);
  }

  /** Forgets the windows whose records are not in `present`; returns the names in `present` it does not know. */
  reconcile(present: Iterable<string>): string[] {
    // Each window known and present is struck off; what is left is new.
    const unknown = new Set(present);
    this.own = this.own.filter((w) => unknown.delete(recordName(w.stem)));
    for (const name of this.read.keys()) if (!unknown.delete(name)) this.read.delete(name);
    return [...unknown];
  }

  /** The oldest windows to remove, in order, to bring the catalog within `maxBytes` and `maxWindows`. */
  overBound(maxBytes: number, maxWindows: number): CatalogedWindow[] {
    let total = 0;
    for (const w of this.own) total += w.bytes;
    for (const r of this.read.values()) total += r.bytes;
    let count = this.own.length + this.read.size;
    const victims: CatalogedWindow[] = [];
    for (const [name, record] of this.oldestFirst()) {
      if (total <= maxBytes && count <= maxWindows) break;
      victims.push({ name, files: Object.values(record.files).filter((f): f is string => f !== undefined) });
      total -= record.bytes;
      count--;
    }
    return victims;
  }

  /** Forgets one window (its files were removed). */
  remove(name: string): void {
    if (this.read.delete(name)) return;
    // The bound removes the oldest first: this process's oldest is at the front.
    if (this.own.length > 0 && recordName(this.own[0].stem) === name) this.own.shift();
    else this.own = this.own.filter((w) => recordName(w.stem) !== name);
  }

  /** Every record, oldest first; this process's own are rebuilt one at a time as they are asked for. */
  *records(): Generator<WindowRecord> {
    for (const [, record] of this.oldestFirst()) yield record;
  }

  private *oldestFirst(): Generator<[string, WindowRecord]> {
    // Records read are few (other writers, resumed writes): merged into this process's, already in order.
    const read = [...this.read.entries()].sort((a, b) => byTime(a[1], b[1]));
    let r = 0;
    for (const w of this.own) {
      while (r < read.length && BigInt(read[r][1].startEpochNs) <= w.startEpochNs) yield read[r++];
      yield [recordName(w.stem), this.recordOf(w)];
    }
    while (r < read.length) yield read[r++];
  }

  private recordOf(w: OwnWindow): WindowRecord {
    const files: { cpu?: string; wall?: string } = {};
    if (w.hasCpu) files.cpu = profileName(w.stem, 'cpu');
    if (w.hasWall) files.wall = profileName(w.stem, 'wall');
    return recordOf(w, files, this.serviceName, w.bytes);
  }
}
