import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Writes a file so that readers see either nothing or all of it: the bytes
 * go to a hidden temporary name in the same directory, then one rename puts
 * them in place. (No fsync: this is about what readers see, not about a
 * power cut.)
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temp, data, { flag: 'wx', mode: 0o644 });
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
