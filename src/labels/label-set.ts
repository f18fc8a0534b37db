import type { LabelPair } from '../window/profile-window';
import type { LabelEntry } from '../slots/label-entry';

/** Custom labels as the caller gives them: string keys, string values. */
export type Labels = Readonly<Record<string, string>>;

/** A label pair as it goes into pprof. */
export type { LabelPair };

/** Pyroscope's label name syntax (Prometheus' legacy one). */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Names spanprof or Pyroscope set themselves. */
export const RESERVED_LABELS: readonly string[] = ['service_name', '__name__', 'span_id', 'span_name', 'trace_id'];
const RESERVED = new Set(RESERVED_LABELS);
/** The key that gives a span profile without OpenTelemetry: its value becomes the samples' `span_id`. */
export const PROFILE_ID_KEY = 'profile_id';
const PROFILE_ID = /^[0-9a-f]{16}$/;
/** Pyroscope's default limit on a label value. */
export const MAX_LABEL_VALUE_BYTES = 2048;
/** Pyroscope allows 30 label names per series; service_name, __name__, tags and span_name take some. */
export const MAX_LABEL_KEYS = 20;

/**
 * One set of custom labels in force: the caller's merged over the outer
 * set. Immutable. `running` counts the calls of withLabels running with it,
 * so that the slot it takes can be given back once they are all done.
 */
export class LabelSet {
  /** Sorted by key; `profile_id` is not among them. */
  readonly pairs: readonly LabelPair[];
  /** The span id that `profile_id` gives the samples, if set. */
  readonly profileId: string | undefined;
  running = 0;
  /**
   * The slot entries made for this set (labelled-entry.ts): without a span,
   * and by span entry for the spans that met another set first (the first
   * is kept on the span's entry). Weakly: a call can outlive millions of its
   * spans.
   */
  entryWithoutSpan: LabelEntry | undefined = undefined;
  entriesBySpan: WeakMap<LabelEntry, LabelEntry> | undefined = undefined;
  private keyText: string | undefined;

  constructor(pairs: readonly LabelPair[], profileId: string | undefined) {
    this.pairs = pairs;
    this.profileId = profileId;
  }

  /** Identifies the series labels: equal sets have equal keys. */
  get key(): string {
    this.keyText ??= this.pairs.map(([k, v]) => `${k}=${v}`).join('\u0000');
    return this.keyText;
  }

  /** The labels as an object, `profile_id` included. */
  toObject(): Labels {
    const out: Record<string, string> = {};
    for (const [k, v] of this.pairs) out[k] = v;
    if (this.profileId !== undefined) out[PROFILE_ID_KEY] = this.profileId;
    return out;
  }
}

/**
 * `labels` checked and merged over `outer` (the set in force, if any): a key
 * given here replaces the outer one. Throws a TypeError or RangeError that
 * names the rule broken.
 */
export function mergeLabels(labels: unknown, outer: LabelSet | undefined): LabelSet {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw new TypeError(`withLabels: labels must be an object of string keys and string values; got ${describe(labels)}`);
  }
  let profileId = outer?.profileId;
  const given: LabelPair[] = [];
  for (const key of Object.keys(labels)) {
    const value = (labels as Record<string, unknown>)[key];
    if (typeof value !== 'string') {
      throw new TypeError(`withLabels: the value of label ${key} must be a string; got ${describe(value)}`);
    }
    if (key === PROFILE_ID_KEY) {
      profileId = checkedProfileId(value);
      continue;
    }
    checkKey(key);
    checkValue(key, value);
    given.push([key, value]);
  }
  if (given.length > 1) given.sort(byKey);
  const pairs = outer === undefined || outer.pairs.length === 0 ? given : mergeSorted(outer.pairs, given);
  if (pairs.length > MAX_LABEL_KEYS) {
    throw new RangeError(
      `withLabels: at most ${MAX_LABEL_KEYS} labels may be in force at once (Pyroscope allows 30 label names per series); got ${pairs.length}`,
    );
  }
  return new LabelSet(pairs, profileId);
}

function byKey(a: LabelPair, b: LabelPair): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** Two key-sorted lists as one; on a key in both, `inner`'s pair. */
function mergeSorted(outer: readonly LabelPair[], inner: readonly LabelPair[]): LabelPair[] {
  const out: LabelPair[] = [];
  let i = 0;
  let j = 0;
  while (i < outer.length || j < inner.length) {
    const order = i === outer.length ? 1 : j === inner.length ? -1 : byKey(outer[i], inner[j]);
    if (order < 0) out.push(outer[i++]);
    else if (order > 0) out.push(inner[j++]);
    else {
      out.push(inner[j++]);
      i++;
    }
  }
  return out;
}

function checkKey(key: string): void {
  if (!LABEL_NAME.test(key) || key.startsWith('__')) {
    throw new RangeError(
      `withLabels: label name ${JSON.stringify(key)} is not accepted; Pyroscope takes [a-zA-Z_][a-zA-Z0-9_]*, not starting with __`,
    );
  }
  if (RESERVED.has(key)) {
    throw new RangeError(
      `withLabels: label name ${key} is reserved (${RESERVED_LABELS.join(', ')} are set by spanprof or Pyroscope); ` +
        `use ${PROFILE_ID_KEY} to give samples a span id of your own`,
    );
  }
}

function checkValue(key: string, value: string): void {
  // A UTF-16 unit is at most 3 bytes of UTF-8: short values need no count.
  if (value.length > 0 && value.length * 3 <= MAX_LABEL_VALUE_BYTES) return;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes === 0 || bytes > MAX_LABEL_VALUE_BYTES) {
    throw new RangeError(
      `withLabels: the value of label ${key} must have 1 to ${MAX_LABEL_VALUE_BYTES} bytes in UTF-8 (Pyroscope's limit); got ${bytes}`,
    );
  }
}

function checkedProfileId(value: string): string {
  const id = value.toLowerCase();
  if (!PROFILE_ID.test(id) || id === '0000000000000000') {
    throw new RangeError(
      `withLabels: ${PROFILE_ID_KEY} must be 16 hex digits, not all zero, as a span id (Pyroscope indexes span_id only then); got ${JSON.stringify(value)}`,
    );
  }
  return id;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' || typeof value === 'function' ? `a ${typeof value}` : `${typeof value} ${String(value)}`;
}
