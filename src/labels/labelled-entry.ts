import type { LabelEntry } from '../otel/label-entry';
import type { FrameHolder } from '../otel/frame-holders';
import type { SpanLabels } from '../profile/window';
import type { LabelSet } from './label-set';

/** Entries made for a label set, by the span entry they combine with (null: no span). */
const combined = new WeakMap<LabelSet, Map<LabelEntry | null, LabelEntry>>();

/**
 * The entry that code in a context with `set` (and `spanEntry`'s span, if
 * any) publishes: one per pair, so a slot stands for both.
 */
export function labelledEntry(spanEntry: LabelEntry | null, set: LabelSet): LabelEntry {
  let bySpan = combined.get(set);
  if (bySpan === undefined) {
    bySpan = new Map();
    combined.set(set, bySpan);
  }
  let entry = bySpan.get(spanEntry);
  if (entry === undefined) {
    entry = new LabelledEntry(spanEntry, set);
    bySpan.set(spanEntry, entry);
  }
  return entry;
}

class LabelledEntry implements LabelEntry {
  slot = 0;
  frameHolder: FrameHolder | undefined = undefined;

  constructor(
    private readonly span: LabelEntry | null,
    private readonly set: LabelSet,
  ) {}

  labels(): SpanLabels {
    const base = this.span === null ? {} : this.span.labels();
    const { pairs, profileId } = this.set;
    const custom = pairs.length > 0 ? { custom: pairs } : {};
    if (profileId === undefined) return { ...base, ...custom };
    // profile_id is the span id Pyroscope indexes; the trace it may sit in is not this one.
    return { spanId: profileId, ...(base.spanName !== undefined ? { spanName: base.spanName } : {}), ...custom };
  }

  spansEnded(): boolean {
    return this.set.running === 0 && (this.span === null || this.span.spansEnded());
  }
}
