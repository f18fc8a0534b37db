import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';

const gunzipAsync = promisify(gunzip);

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decodes pprof bytes, gzip'd or not. Throws on bytes that are not pprof. */
export async function decodeProfile(bytes: Uint8Array): Promise<Profile> {
  return Profile.decode(isGzip(bytes) ? await gunzipAsync(bytes) : bytes);
}

/** The same, on the calling thread: for tools, not for the profiled app. */
export function decodeProfileSync(bytes: Uint8Array): Profile {
  return Profile.decode(isGzip(bytes) ? gunzipSync(bytes) : bytes);
}
