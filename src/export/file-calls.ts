import { appendFileSync, existsSync, mkdirSync, opendirSync, renameSync, unlinkSync } from 'node:fs';
import { access, appendFile, mkdir, opendir, rename, unlink } from 'node:fs/promises';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write';
import { readRecord, readRecordSync, type WindowRecord } from './directory-index';

/**
 * The filesystem calls the directory's store makes, each with what it takes
 * and gives back. They come in two forms: with callbacks while the app
 * runs, and synchronous for the moment the process exits.
 */
export interface FileCalls {
  mkdir(dir: string): void;
  /** Readers see the file whole or not at all. */
  write(file: string, data: string | Uint8Array): void;
  /** Adds to the end of `file`, creating it: for a file written in parts under a temporary name. */
  append(file: string, text: string): void;
  rename(from: string, to: string): void;
  unlink(file: string): void;
  readdir(dir: string): string[];
  exists(file: string): boolean;
  /** Undefined when the file vanished or is no record. */
  readRecord(file: string): WindowRecord | undefined;
}

type CallName = keyof FileCalls;

/** One call, as data. */
export type FileCall = { [K in CallName]: { readonly name: K; readonly args: Parameters<FileCalls[K]> } }[CallName];

/**
 * A procedure over files written once: it yields the calls it needs and is
 * given their results (or their errors, thrown at the yield). `runAsync` and
 * `runSync` carry the calls out, so the two forms cannot drift apart.
 */
export type FileSteps<T> = Generator<FileCall, T, unknown>;

/** Asks for one call: `const names = yield* call('readdir', dir)`. */
export function* call<K extends CallName>(name: K, ...args: Parameters<FileCalls[K]>): FileSteps<ReturnType<FileCalls[K]>> {
  // The runners answer each call with what that call returns.
  return (yield { name, args } as FileCall) as ReturnType<FileCalls[K]>;
}

type Promised<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never };

const ASYNC_CALLS: Promised<FileCalls> = {
  mkdir: async (dir) => {
    await mkdir(dir, { recursive: true });
  },
  write: writeFileAtomic,
  append: (file, text) => appendFile(file, text, { mode: 0o644 }),
  rename: (from, to) => rename(from, to),
  unlink: (file) => unlink(file),
  readdir: readNames,
  exists: (file) => access(file).then(() => true, () => false),
  readRecord,
};

const SYNC_CALLS: FileCalls = {
  mkdir: (dir) => {
    mkdirSync(dir, { recursive: true });
  },
  write: writeFileAtomicSync,
  append: (file, text) => appendFileSync(file, text, { mode: 0o644 }),
  rename: renameSync,
  unlink: unlinkSync,
  readdir: readNamesSync,
  exists: existsSync,
  readRecord: readRecordSync,
};

/**
 * Entries read from the directory per call. `readdir` lists a directory in
 * one call, and libuv's scandir then holds every name in malloc'd memory of
 * the thread-pool thread that read it: with thousands of windows, each
 * thread's malloc arena grows to the directory's size. In batches, the
 * native side holds one batch at a time.
 */
const NAMES_PER_READ = 256;

async function readNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of await opendir(dir, { bufferSize: NAMES_PER_READ })) names.push(entry.name);
  return names;
}

function readNamesSync(dir: string): string[] {
  const names: string[] = [];
  const handle = opendirSync(dir, { bufferSize: NAMES_PER_READ });
  try {
    for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) names.push(entry.name);
  } finally {
    handle.closeSync();
  }
  return names;
}

type Settled = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Runs `steps` with callback calls; the first call is made before this returns. */
export async function runAsync<T>(steps: FileSteps<T>): Promise<T> {
  let next = steps.next();
  while (!next.done) next = resume(steps, await settleAsync(next.value));
  return next.value;
}

/** Runs `steps` with synchronous calls. */
export function runSync<T>(steps: FileSteps<T>): T {
  let next = steps.next();
  while (!next.done) next = resume(steps, settleSync(next.value));
  return next.value;
}

function resume<T>(steps: FileSteps<T>, settled: Settled): IteratorResult<FileCall, T> {
  return settled.ok ? steps.next(settled.value) : steps.throw(settled.error);
}

async function settleAsync(c: FileCall): Promise<Settled> {
  try {
    return { ok: true, value: await (ASYNC_CALLS[c.name] as (...args: unknown[]) => Promise<unknown>)(...c.args) };
  } catch (error) {
    return { ok: false, error };
  }
}

function settleSync(c: FileCall): Settled {
  try {
    return { ok: true, value: (SYNC_CALLS[c.name] as (...args: unknown[]) => unknown)(...c.args) };
  } catch (error) {
    return { ok: false, error };
  }
}
