import type { GeneratedFrame, MappedFrame } from './types';

/**
 * Frames as columns with each string listed once. Copying a few arrays
 * between threads costs a fraction of copying thousands of small objects.
 */
export interface FrameBatch {
  readonly strings: string[];
  readonly name: Int32Array;
  readonly url: Int32Array;
  readonly line: Int32Array;
  readonly column: Int32Array;
}

/** Mapped frames in the same shape. */
export interface MappedBatch {
  readonly strings: string[];
  readonly name: Int32Array;
  readonly file: Int32Array;
  readonly line: Int32Array;
  readonly mapped: Uint8Array;
}

export function packFrames(frames: readonly GeneratedFrame[]): FrameBatch {
  const strings = new StringList();
  const n = frames.length;
  const batch = { name: new Int32Array(n), url: new Int32Array(n), line: new Int32Array(n), column: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const f = frames[i];
    batch.name[i] = strings.indexOf(f.name);
    batch.url[i] = strings.indexOf(f.url);
    batch.line[i] = f.line;
    batch.column[i] = f.column;
  }
  return { strings: strings.list, ...batch };
}

export function unpackFrames(b: FrameBatch): GeneratedFrame[] {
  return Array.from(b.line, (line, i) => ({
    name: b.strings[b.name[i]],
    url: b.strings[b.url[i]],
    line,
    column: b.column[i],
  }));
}

export function packMapped(frames: readonly MappedFrame[]): MappedBatch {
  const strings = new StringList();
  const n = frames.length;
  const batch = { name: new Int32Array(n), file: new Int32Array(n), line: new Int32Array(n), mapped: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const f = frames[i];
    batch.name[i] = strings.indexOf(f.name);
    batch.file[i] = strings.indexOf(f.file);
    batch.line[i] = f.line;
    batch.mapped[i] = f.mapped ? 1 : 0;
  }
  return { strings: strings.list, ...batch };
}

export function unpackMapped(b: MappedBatch): MappedFrame[] {
  return Array.from(b.line, (line, i) => ({
    name: b.strings[b.name[i]],
    file: b.strings[b.file[i]],
    line,
    mapped: b.mapped[i] === 1,
  }));
}

/** The buffers a batch can hand over instead of copying. */
export function buffersOf(b: FrameBatch | MappedBatch): ArrayBuffer[] {
  return Object.values(b)
    .filter((v): v is Int32Array | Uint8Array => ArrayBuffer.isView(v))
    .map((v) => v.buffer as ArrayBuffer);
}

class StringList {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();

  indexOf(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}
