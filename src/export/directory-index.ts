import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';

/** What the output directory records of one window, in `<name>.json` and the index. */
export interface WindowRecord {
  /** ISO 8601 UTC, millisecond precision. */
  readonly from: string;
  readonly until: string;
  /** Unix epoch nanoseconds, as decimal strings (too large for JSON numbers). */
  readonly startEpochNs: string;
  readonly endEpochNs: string;
  readonly service: string;
  readonly samples: number;
  readonly cpuSamples: number;
  readonly spans: number;
  /** Profile file names in the directory, by kind. */
  readonly files: Readonly<Partial<Record<'cpu' | 'wall', string>>>;
  /** Bytes of the profile files and this record. */
  readonly bytes: number;
  readonly pid: number;
}

export interface OutputIndex {
  readonly version: 1;
  /** Oldest first. */
  readonly windows: readonly WindowRecord[];
}

export const INDEX_FILE = 'index.json';
export const RECORD_SUFFIX = '.json';
export const PROFILE_SUFFIX = '.pb.gz';

/** A window's record file name; the profiles share its stem. */
export function isRecordFile(name: string): boolean {
  return name.endsWith(RECORD_SUFFIX) && name !== INDEX_FILE && !name.startsWith('.');
}

export function byTime(a: WindowRecord, b: WindowRecord): number {
  const d = BigInt(a.startEpochNs) - BigInt(b.startEpochNs);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/**
 * The windows in an output directory. The index is a summary that the
 * writer rebuilds after every window; the per-window records are the truth,
 * so when the index is missing or unreadable they are read instead.
 */
export async function readOutputIndex(dir: string): Promise<OutputIndex> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, INDEX_FILE), 'utf8')) as OutputIndex;
    if (parsed.version === 1 && Array.isArray(parsed.windows)) return parsed;
  } catch {
    // Fall through to the records.
  }
  const records: WindowRecord[] = [];
  for (const name of await readdir(dir)) {
    if (!isRecordFile(name)) continue;
    const record = await readRecord(path.join(dir, name));
    if (record) records.push(record);
  }
  return { version: 1, windows: records.sort(byTime) };
}

/** A window record, or undefined if it vanished or is not one. */
export async function readRecord(file: string): Promise<WindowRecord | undefined> {
  try {
    return parseRecord(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** readRecord with a synchronous read: for the moment the process exits. */
export function readRecordSync(file: string): WindowRecord | undefined {
  try {
    return parseRecord(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function parseRecord(text: string): WindowRecord | undefined {
  const parsed = JSON.parse(text) as WindowRecord;
  if (typeof parsed.startEpochNs !== 'string' || typeof parsed.files !== 'object') return undefined;
  return parsed;
}
