import * as fs from 'node:fs';

/** Enough for the comment that names an external map, with room for trailing lines. */
export const FIRST_TAIL_BYTES = 4096;
/** An inline map can be large; a script's last line longer than this is not followed. */
const MAX_TAIL_BYTES = 64 * 1024 * 1024;

// The last such line wins; `\r` allows for CRLF files.
const COMMENT = /^[ \t]*(?:\/\/|\/\*)[#@][ \t]*sourceMappingURL=([^\s'"*]+)[ \t]*(?:\*\/)?[ \t\r]*$/gm;
const BASE64_ONLY = /^[A-Za-z0-9+/=]*$/;

/**
 * The URL in a script's last `//# sourceMappingURL=` comment, or null if it
 * has none. The comment sits at the end of the script, so only the tail is
 * read: a few KiB for a script with an external map however large it is. An
 * inline `data:` map can be longer than that tail; when the tail is nothing
 * but base64, the read grows backwards until the comment's start is in it.
 * Throws on I/O errors.
 */
export function readMapComment(scriptPath: string): string | null {
  const fd = fs.openSync(scriptPath, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    for (let want = FIRST_TAIL_BYTES; ; want *= 4) {
      const length = Math.min(size, want, MAX_TAIL_BYTES);
      const buf = Buffer.allocUnsafe(length);
      const read = fs.readSync(fd, buf, 0, length, size - length);
      const tail = buf.toString('utf8', 0, read);
      const found = lastComment(tail);
      if (found !== null) return found;
      const complete = length === size || length === MAX_TAIL_BYTES;
      if (complete || !endsInsideBase64(tail)) return null;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The URL of the last `sourceMappingURL` comment in `text`, or null. */
export function lastComment(text: string): string | null {
  let url: string | null = null;
  COMMENT.lastIndex = 0;
  for (let m = COMMENT.exec(text); m !== null; m = COMMENT.exec(text)) url = m[1];
  return url;
}

/** The tail is one unfinished run of base64: it may be the inside of an inline map. */
export function endsInsideBase64(tail: string): boolean {
  const last = tail.trimEnd();
  return last.indexOf('\n') < 0 && BASE64_ONLY.test(last);
}
