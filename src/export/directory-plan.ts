import { encodedBytes, type EncodedWindow } from '../pprof/encoded-window';
import { PROFILE_SUFFIX, RECORD_SUFFIX, type WindowRecord } from './directory-index';

/**
 * What the directory holds and how it is named, decided without touching
 * it: the store carries these plans out with either form of file calls.
 */

/** The figures of a window that its record carries. */
export interface WindowFigures {
  readonly startEpochNs: bigint;
  readonly endEpochNs: bigint;
  readonly samples: number;
  readonly cpuSamples: number;
  readonly spans: number;
}

/** `<UTC start>-<pid>-<sequence>`: names sort by time, and processes sharing a directory stay apart. */
export function stemOf(startEpochNs: bigint, sequence: number): string {
  // join makes one flat string, where a template makes a tree of parts: stems are kept, one per window.
  return [compactIso(startEpochNs), process.pid, String(sequence).padStart(6, '0')].join('-');
}

export function profileName(stem: string, kind: 'cpu' | 'wall'): string {
  return `${stem}.${kind}${PROFILE_SUFFIX}`;
}

export function recordName(stem: string): string {
  return `${stem}${RECORD_SUFFIX}`;
}

export function figuresOf(window: EncodedWindow): WindowFigures {
  const { samples, cpuSamples, spans } = window.summary;
  return { startEpochNs: window.startEpochNs, endEpochNs: window.endEpochNs, samples, cpuSamples, spans };
}

/** The record of a window as written; it counts its own size. */
export function recordFor(window: EncodedWindow, files: WindowRecord['files'], service: string): WindowRecord {
  const figures = figuresOf(window);
  // 12 bytes leave room for the size's own digits.
  const recordBytes = Buffer.byteLength(JSON.stringify(recordOf(figures, files, service, 0))) + 12;
  return recordOf(figures, files, service, encodedBytes(window) + recordBytes);
}

export function recordOf(figures: WindowFigures, files: WindowRecord['files'], service: string, bytes: number): WindowRecord {
  return {
    from: isoOf(figures.startEpochNs),
    until: isoOf(figures.endEpochNs),
    startEpochNs: figures.startEpochNs.toString(),
    endEpochNs: figures.endEpochNs.toString(),
    service,
    samples: figures.samples,
    cpuSamples: figures.cpuSamples,
    spans: figures.spans,
    files,
    bytes,
    pid: process.pid,
  };
}

/** About how many characters of the index one write carries. */
const INDEX_PART_CHARS = 64 * 1024;

/**
 * The index (every record, oldest first, one per line) in parts of about
 * 64 KiB, each made only when asked for: 10,000 windows make an index of
 * about 3 MB, and building it as one string held the thread for about 40 ms
 * and left a large block behind at every rewrite.
 */
export function* indexParts(records: Iterable<WindowRecord>): Generator<string> {
  let part = '{"version":1,"windows":[';
  let first = true;
  for (const record of records) {
    part += `${first ? '' : ','}\n${JSON.stringify(record)}`;
    first = false;
    if (part.length >= INDEX_PART_CHARS) {
      yield part;
      part = '';
    }
  }
  yield `${part}\n]}\n`;
}

function isoOf(epochNs: bigint): string {
  return new Date(Number(epochNs / 1_000_000n)).toISOString();
}

/** `20240102T030405.678Z`: sortable and safe in every file system. */
function compactIso(epochNs: bigint): string {
  return isoOf(epochNs).replace(/[-:]/g, '');
}
