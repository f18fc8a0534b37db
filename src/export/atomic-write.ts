import { randomBytes } from 'node:crypto';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Writes a file so that readers see either nothing or all of it: the bytes
 * go to a hidden temporary name in the same directory, then one rename puts
 * them in place. (No fsync: this is about what readers see, not about a
 * power cut.)
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = tempNameFor(file);
  try {
    await writeFile(temp, data, { flag: 'wx', mode: 0o644 });
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** writeFileAtomic with synchronous calls: for the moment the process exits. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  const temp = tempNameFor(file);
  try {
    writeFileSync(temp, data, { flag: 'wx', mode: 0o644 });
    renameSync(temp, file);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // Never created.
    }
    throw err;
  }
}

/** A hidden name next to `file`, unique to this process and call. */
export function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * A temporary name this process's writes use (see tempNameFor). One still
 * there when none of its writes is under way belongs to a write cut short.
 */
export function isOwnTemporary(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp') && name.includes(`.${process.pid}.`);
}
