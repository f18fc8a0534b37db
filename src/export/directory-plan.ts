import { encodedBytes, type EncodedWindow } from '../pprof/encoded-window';
import { PROFILE_SUFFIX, RECORD_SUFFIX, byTime, type OutputIndex, type WindowRecord } from './directory-index';

/**
 * What the directory holds and how it is named, decided without touching
 * it: the store carries these plans out with either form of file calls.
 */

/** `<UTC start>-<pid>-<sequence>`: names sort by time, and processes sharing a directory stay apart. */
export function stemFor(window: EncodedWindow, sequence: number): string {
  return `${compactIso(window.startEpochNs)}-${process.pid}-${String(sequence).padStart(6, '0')}`;
}

export function profileName(stem: string, kind: 'cpu' | 'wall'): string {
  return `${stem}.${kind}${PROFILE_SUFFIX}`;
}

export function recordName(stem: string): string {
  return `${stem}${RECORD_SUFFIX}`;
}

/** The record of a window as written; it counts its own size. */
export function recordText(window: EncodedWindow, files: WindowRecord['files'], service: string): string {
  // 12 bytes leave room for the size's own digits.
  const recordBytes = Buffer.byteLength(JSON.stringify(record(window, files, service, 0))) + 12;
  return JSON.stringify(record(window, files, service, encodedBytes(window) + recordBytes));
}

/** The index: every record, oldest first. */
export function indexText(records: Iterable<WindowRecord>): string {
  const index: OutputIndex = { version: 1, windows: [...records].sort(byTime) };
  return JSON.stringify(index, null, 1);
}

/** The oldest windows to remove, in order, to bring `known` (record name → record) within `maxBytes`. */
export function overBound(known: ReadonlyMap<string, WindowRecord>, maxBytes: number): [string, WindowRecord][] {
  let total = 0;
  for (const r of known.values()) total += r.bytes;
  const victims: [string, WindowRecord][] = [];
  if (total <= maxBytes) return victims;
  for (const entry of [...known.entries()].sort((a, b) => byTime(a[1], b[1]))) {
    if (total <= maxBytes) break;
    victims.push(entry);
    total -= entry[1].bytes;
  }
  return victims;
}

function record(window: EncodedWindow, files: WindowRecord['files'], service: string, bytes: number): WindowRecord {
  return {
    from: isoOf(window.startEpochNs),
    until: isoOf(window.endEpochNs),
    startEpochNs: window.startEpochNs.toString(),
    endEpochNs: window.endEpochNs.toString(),
    service,
    samples: window.summary.samples,
    cpuSamples: window.summary.cpuSamples,
    spans: window.summary.spans,
    files,
    bytes,
    pid: process.pid,
  };
}

function isoOf(epochNs: bigint): string {
  return new Date(Number(epochNs / 1_000_000n)).toISOString();
}

/** `20240102T030405.678Z`: sortable and safe in every file system. */
function compactIso(epochNs: bigint): string {
  return isoOf(epochNs).replace(/[-:]/g, '');
}
