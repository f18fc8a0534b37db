import { StringTable, emptyTableToken } from 'pprof-format';

/** Field 6 of Profile (string_table), length-delimited: (6 << 3) | 2. */
const STRING_TABLE_TAG = 50;

/**
 * pprof-format's StringTable with the same bytes out, encoded when the
 * profile is rather than when a string is added. The stock table makes two
 * Uint8Arrays per new string as it is added, and a window adds two new
 * strings per labelled sample (its span and trace ids), which then stay
 * reachable while the window is built and encoded in stretches, so a
 * scavenge in between copies them all. Here a string is held once, and its
 * UTF-8 bytes are written straight into the profile's buffer.
 */
export class DeferredStringTable extends StringTable {
  private readonly positions = new Map<string, number>();
  /** UTF-8 byte lengths, taken by encodedLength for the encode that follows. */
  private byteLengths: number[] = [];

  constructor() {
    // The stock constructor would encode "" into its own list.
    super(emptyTableToken);
    this.dedup('');
  }

  override dedup(value: string): number {
    let position = this.positions.get(value);
    if (position === undefined) {
      position = this.strings.push(value) - 1;
      this.positions.set(value, position);
    }
    return position;
  }

  override get encodedLength(): number {
    const { strings } = this;
    const lengths = new Array<number>(strings.length);
    let size = 0;
    for (let i = 0; i < strings.length; i++) {
      const bytes = Buffer.byteLength(strings[i], 'utf8');
      lengths[i] = bytes;
      size += 1 + varintLength(bytes) + bytes;
    }
    this.byteLengths = lengths;
    return size;
  }

  override _encodeToBuffer(buffer: Uint8Array, offset: number): number {
    const { strings } = this;
    // Profile.encode asks for the length first; anyone else gets it here.
    if (this.byteLengths.length !== strings.length) void this.encodedLength;
    const lengths = this.byteLengths;
    const out = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    for (let i = 0; i < strings.length; i++) {
      out[offset++] = STRING_TABLE_TAG;
      let n = lengths[i];
      while (n > 127) {
        out[offset++] = (n & 127) | 128;
        n >>>= 7;
      }
      out[offset++] = n;
      if (lengths[i] > 0) offset += out.write(strings[i], offset, lengths[i], 'utf8');
    }
    return offset;
  }
}

function varintLength(n: number): number {
  let bytes = 1;
  while (n > 127) {
    n >>>= 7;
    bytes++;
  }
  return bytes;
}
