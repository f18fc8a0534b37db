import type { LabelEntry } from '../slots/label-entry';
import type { FrameHolder } from '../slots/label-entry';
import type { SpanLabels } from '../window/profile-window';
import type { LabelSet } from './label-set';

/**
 * The entry that code in a context with `set` (and `spanEntry`'s span, if
 * any) publishes: one per pair, so a slot stands for both. The first set a
 * span meets keeps its entry on the span's entry; any other, on the set.
 */
export function labelledEntry(spanEntry: LabelEntry | null, set: LabelSet): LabelEntry {
  if (spanEntry === null) {
    set.entryWithoutSpan ??= new LabelledEntry(null, set);
    return set.entryWithoutSpan;
  }
  const first = spanEntry.firstLabelled;
  if (first === undefined) {
    spanEntry.firstLabelled = new LabelledEntry(spanEntry, set);
    return spanEntry.firstLabelled;
  }
  if (first.set === set) return first;
  set.entriesBySpan ??= new WeakMap();
  let entry = set.entriesBySpan.get(spanEntry);
  if (entry === undefined) {
    entry = new LabelledEntry(spanEntry, set);
    set.entriesBySpan.set(spanEntry, entry);
  }
  return entry;
}

class LabelledEntry implements LabelEntry {
  slot = 0;
  frameHolder: FrameHolder | undefined = undefined;

  constructor(
    private readonly span: LabelEntry | null,
    readonly set: LabelSet,
  ) {}

  labels(): SpanLabels {
    const base = this.span === null ? {} : this.span.labels();
    const { pairs, profileId } = this.set;
    const custom = pairs.length > 0 ? { custom: pairs } : {};
    if (profileId === undefined) return { ...base, ...custom };
    // profile_id is the span id Pyroscope indexes; the trace it may sit in is not this one.
    return { spanId: profileId, ...(base.spanName !== undefined ? { spanName: base.spanName } : {}), ...custom };
  }

  /**
   * With a span: when its spans ended, whatever the withLabels call does
   * (a call can run for the life of the process, a queue consumer's loop,
   * and its spans must not be kept for it). Without: when no call with
   * this set runs.
   */
  spansEnded(): boolean {
    return this.span === null ? this.set.running === 0 : this.span.spansEnded();
  }
}
