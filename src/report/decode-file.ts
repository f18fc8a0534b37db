import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import type { ProfileKind } from '../pprof/encoded-window';

/**
 * What a profile measures, told by its sample types: `cpu/nanoseconds` for
 * CPU, `wall/nanoseconds` for wall-clock. File names are not trusted for it.
 */
export type DecodedKind = ProfileKind | 'other';

export interface DecodedProfile {
  readonly profile: Profile;
  readonly kind: DecodedKind;
  /** Index of the sample count in each sample's values; -1 if there is none. */
  readonly countIndex: number;
  /** Index of the nanoseconds of `kind`; -1 when `kind` is 'other'. */
  readonly valueIndex: number;
}

/** A file that is not a gzip'd pprof profile. */
export class CorruptProfileError extends Error {
  override readonly name = 'CorruptProfileError';
}

/** Decodes the bytes of one `*.pb.gz` file. Throws CorruptProfileError. */
export function decodeProfileFile(bytes: Uint8Array): DecodedProfile {
  let raw: Uint8Array;
  try {
    raw = gunzipSync(bytes);
  } catch (err) {
    throw new CorruptProfileError(`not gzip data (${(err as Error).message})`);
  }
  let profile: Profile;
  try {
    profile = Profile.decode(raw);
  } catch (err) {
    throw new CorruptProfileError(`not a pprof profile (${(err as Error).message})`);
  }
  const strings = profile.stringTable.strings;
  const types = profile.sampleType.map((t) => ({
    type: strings[Number(t.type)] ?? '',
    unit: strings[Number(t.unit)] ?? '',
  }));
  // Protobuf decoding accepts many byte strings; a profile with no sample
  // type, or samples whose values do not match the types, is not one.
  if (types.length === 0) throw new CorruptProfileError('not a pprof profile (no sample type)');
  for (const s of profile.sample) {
    if (s.value.length !== types.length) {
      throw new CorruptProfileError('not a pprof profile (sample values do not match sample types)');
    }
  }
  const countIndex = types.findIndex(
    (t) => (t.type === 'samples' || t.type === 'sample') && t.unit === 'count',
  );
  const cpuIndex = types.findIndex((t) => t.type === 'cpu' && t.unit === 'nanoseconds');
  if (cpuIndex >= 0) return { profile, kind: 'cpu', countIndex, valueIndex: cpuIndex };
  const wallIndex = types.findIndex((t) => t.type === 'wall' && t.unit === 'nanoseconds');
  if (wallIndex >= 0) return { profile, kind: 'wall', countIndex, valueIndex: wallIndex };
  return { profile, kind: 'other', countIndex, valueIndex: -1 };
}
