import type { GeneratedFrame, MappedFrame } from './types';

/** Past this many answers (code generated at run time), the table starts afresh. */
const MAX_ANSWERS = 200_000;

/** Columns of a minified bundle's one line run into the millions; this leaves room. */
const COLUMN_SPAN = 2 ** 32;

interface Entry {
  readonly name: string;
  readonly answer: MappedFrame;
}

/**
 * Mapped frames by generated frame, looked up once or twice per frame per
 * window: keyed by script, then by position as one number, because building
 * and hashing a string key per lookup cost more than everything else.
 */
export class AnswerTable {
  private readonly byScript = new Map<string, Map<number, Entry>>();
  private count = 0;

  get(frame: GeneratedFrame): MappedFrame | undefined {
    const entry = this.byScript.get(frame.url)?.get(positionOf(frame));
    // Two functions starting at one position (rare: eval'd code) share the
    // slot; the name tells them apart, and the other is simply re-asked.
    return entry !== undefined && entry.name === frame.name ? entry.answer : undefined;
  }

  set(frame: GeneratedFrame, answer: MappedFrame): void {
    if (this.count >= MAX_ANSWERS) {
      this.byScript.clear();
      this.count = 0;
    }
    let positions = this.byScript.get(frame.url);
    if (positions === undefined) {
      positions = new Map();
      this.byScript.set(frame.url, positions);
    }
    const position = positionOf(frame);
    if (!positions.has(position)) this.count++;
    positions.set(position, { name: frame.name, answer });
  }
}

function positionOf(frame: GeneratedFrame): number {
  return frame.line * COLUMN_SPAN + frame.column;
}
