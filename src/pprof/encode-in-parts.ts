import { Profile, StringTable, emptyTableToken } from 'pprof-format';
import type { ThreadSlicer } from './thread-slicer';

type ProfileFields = NonNullable<ConstructorParameters<typeof Profile>[0]>;

/** Records encoded between two looks at the slicer's clock. */
const RECORDS_PER_PART = 16;

/**
 * `profile.encode()`, cut into parts so a slicer can yield between them.
 * A protobuf message is the concatenation of its fields, and a repeated
 * field may come in any number of pieces, in order. So each part is a
 * Profile holding only a run of one field's records, with an empty string
 * table (not even the "" entry a new table starts with), and the parts are
 * laid out in the order `encode()` writes the fields: the bytes are the
 * same as `encode()`'s, which the tests check.
 */
export async function encodeInParts(profile: Profile, slicer: ThreadSlicer): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const only = (fields: ProfileFields): Uint8Array =>
    new Profile({ ...fields, stringTable: new StringTable(emptyTableToken) }).encode();
  parts.push(only({ sampleType: profile.sampleType }));
  for (let i = 0; i < profile.sample.length; i += RECORDS_PER_PART) {
    parts.push(only({ sample: profile.sample.slice(i, i + RECORDS_PER_PART) }));
    if (slicer.due) await slicer.next();
  }
  parts.push(only({ mapping: profile.mapping }));
  for (let i = 0; i < profile.location.length; i += RECORDS_PER_PART) {
    parts.push(only({ location: profile.location.slice(i, i + RECORDS_PER_PART) }));
    if (slicer.due) await slicer.next();
  }
  for (let i = 0; i < profile.function.length; i += RECORDS_PER_PART) {
    parts.push(only({ function: profile.function.slice(i, i + RECORDS_PER_PART) }));
    if (slicer.due) await slicer.next();
  }
  // The string table and the single-valued fields, in encode()'s order.
  parts.push(
    new Profile({
      stringTable: profile.stringTable,
      dropFrames: profile.dropFrames,
      keepFrames: profile.keepFrames,
      timeNanos: profile.timeNanos,
      durationNanos: profile.durationNanos,
      periodType: profile.periodType,
      period: profile.period,
      comment: profile.comment,
      defaultSampleType: profile.defaultSampleType,
      docUrl: profile.docUrl,
    }).encode(),
  );
  return Buffer.concat(parts);
}
