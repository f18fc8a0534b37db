import { open, stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FIRST_TAIL_BYTES, endsInsideBase64, lastComment } from './map-comment';
import { scriptFilePath } from './script-path';

/**
 * How many bytes of source map a script's file leads to, by the rules
 * `loadDiskMap` follows (a `sourceMappingURL` comment, else `<script>.map`
 * beside it), without reading the map: 0 for none. An inline map longer
 * than the tail read is Infinity. The reads go to libuv's thread pool, so
 * the calling thread never waits on the disk. A script that cannot be read
 * has none. Never rejects.
 */
export async function scriptMapBytes(url: string): Promise<number> {
  const scriptPath = scriptFilePath(url);
  if (scriptPath === null) return 0;
  let ref: string | null;
  try {
    const file = await open(scriptPath, 'r');
    try {
      const { size } = await file.stat();
      const length = Math.min(size, FIRST_TAIL_BYTES);
      const tail = Buffer.alloc(length);
      const { bytesRead } = await file.read(tail, 0, length, size - length);
      const text = tail.toString('utf8', 0, bytesRead);
      ref = lastComment(text);
      if (ref === null && length < size && endsInsideBase64(text)) return Infinity;
    } finally {
      await file.close();
    }
  } catch {
    return 0;
  }
  if (ref?.startsWith('data:')) return ref.length;
  try {
    let mapPath = `${scriptPath}.map`;
    if (ref !== null) {
      const target = new URL(ref, pathToFileURL(scriptPath));
      if (target.protocol !== 'file:') return 0;
      mapPath = fileURLToPath(target);
    }
    return (await stat(mapPath)).size;
  } catch {
    return 0;
  }
}
