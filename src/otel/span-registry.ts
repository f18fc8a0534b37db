import { INVALID_SPANID, INVALID_TRACEID, isSpanContextValid, trace } from '@opentelemetry/api';
import type { Context, Span, SpanContext } from '@opentelemetry/api';
import { labelSetOf } from '../labels/label-context';
import { labelledEntry } from '../labels/labelled-entry';
import type { LabelEntry } from '../slots/label-entry';
import { DEFAULT_LABEL_OPTIONS } from './label-options';
import type { ResolvedLabelOptions } from './label-options';
import { BoundedIdIndex } from './bounded-id-index';
import { SpanRecord } from './span-record';

/** Span attribute Tempo looks for to offer "Profiles for this span". */
export const PROFILE_ID_ATTRIBUTE = 'pyroscope.profile.id';

const kRecord = Symbol('spanprof.spanRecord');
const kEntry = Symbol('spanprof.labelEntry');

interface EntryCarrier {
  [kEntry]?: LabelEntry | null;
}

/** Fields of SDK spans read when they exist (1.x: parentSpanId; 2.x: parentSpanContext). */
interface SdkSpanFields {
  readonly parentSpanContext?: SpanContext;
  readonly parentSpanId?: string;
  readonly ended?: boolean;
  readonly name?: unknown;
  [kRecord]?: SpanRecord | null;
}

/**
 * Every span of this process that spanprof has seen, and what its code is
 * labelled with. Records hang on the span objects themselves, so a record
 * lives exactly as long as some context can still reach its span. Two
 * bounded id indexes find local roots for spans started elsewhere (by a tracer
 * that is not wrapped): live spans by id, and a live local root per trace.
 */
export class SpanRegistry {
  /** Spans seen starting through spanprof (tracer wrapper or span processor). */
  spansStarted = 0;
  private readonly live: BoundedIdIndex<SpanRecord>;
  private readonly roots: BoundedIdIndex<SpanRecord>;
  /** Records of spans that cannot take a property (frozen objects). */
  private readonly detached = new WeakMap<object, SpanRecord | null>();

  constructor(maxTracked = 100_000) {
    this.live = new BoundedIdIndex(maxTracked);
    this.roots = new BoundedIdIndex(maxTracked);
  }

  /**
   * A span starts through spanprof (tracer wrapper or span processor): find
   * its local root, mark the spans in span-id scope with
   * `pyroscope.profile.id`, and remember it. `watchEnd` hooks `span.end()`
   * for callers that get no end signal of their own.
   */
  started(
    span: Span,
    parentContext: Context,
    name: string | undefined,
    options: ResolvedLabelOptions,
    watchEnd: boolean,
  ): SpanRecord | null {
    const existing = this.read(span);
    if (existing !== undefined) return existing;
    this.spansStarted++;
    const spanContext = span.spanContext();
    if (!hasIds(spanContext)) {
      // Suppressed tracing hands out the invalid context: nothing to label.
      this.store(span, null);
      return null;
    }
    let root: SpanRecord | undefined;
    const parent = trace.getSpan(parentContext);
    if (parent !== undefined) {
      // A parent seen before is a valid local span (or known not to be):
      // no need to check its context again, on the path every span takes.
      const known = this.read(parent);
      if (known !== undefined) {
        if (known !== null && known.traceId === spanContext.traceId) root = known.root;
      } else {
        const parentContextOfSpan = parent.spanContext();
        if (
          isSpanContextValid(parentContextOfSpan) &&
          !parentContextOfSpan.isRemote &&
          parentContextOfSpan.traceId === spanContext.traceId
        ) {
          root = this.recordOf(parent, options)?.root;
        }
      }
    }
    let rootUnknown = false;
    if (root === undefined && parent === undefined) {
      // No parent in the context, yet the SDK says the span has a local one
      // (a context lost between two copies of the API): never a local root.
      const parentId = localParentId(span);
      if (parentId !== undefined) {
        root = this.live.get(parentId)?.root ?? this.roots.get(spanContext.traceId);
        rootUnknown = root === undefined;
      }
    }
    const record = new SpanRecord(span, spanContext, name, options, root, rootUnknown);
    this.store(span, record);
    this.track(record);
    markProfileId(record);
    if (watchEnd) this.watchEnd(span);
    return record;
  }

  /**
   * The span ended: forget it in the lookup maps (its record stays on the
   * span) and let the record drop the span, which label entries would
   * otherwise keep alive until the window closes.
   */
  ended(span: object): void {
    const record = this.read(span);
    if (record !== undefined && record !== null) this.forget(record);
  }

  /** The record of any span; spans started elsewhere are learned on first sight. */
  recordOf(span: Span, adoptOptions: ResolvedLabelOptions = DEFAULT_LABEL_OPTIONS): SpanRecord | null {
    const record = this.read(span);
    return record !== undefined ? record : this.adopt(span, adoptOptions);
  }

  /**
   * The entry that code running in this context publishes (its span's,
   * combined with the custom labels in it); null for none. A span met here
   * first, started by a tracer spanprof does not wrap and under no root it
   * knows, is labelled with `adoptOptions`.
   * Contexts are immutable, so the answer is kept on the context object: the
   * trackers ask on every continuation.
   */
  entryOf(ctx: Context, adoptOptions: ResolvedLabelOptions = DEFAULT_LABEL_OPTIONS): LabelEntry | null {
    const cached = (ctx as EntryCarrier)[kEntry];
    if (cached !== undefined) return cached;
    const span = trace.getSpan(ctx);
    let entry: LabelEntry | null = null;
    if (span !== undefined) {
      const record = this.recordOf(span, adoptOptions);
      entry = record === null ? null : record.entry();
    }
    const custom = labelSetOf(ctx);
    if (custom !== undefined) entry = labelledEntry(entry, custom);
    if (Object.isExtensible(ctx)) (ctx as EntryCarrier)[kEntry] = entry;
    return entry;
  }

  private adopt(span: Span, options: ResolvedLabelOptions): SpanRecord | null {
    const known = this.detached.get(span);
    if (known !== undefined) return known;
    let record: SpanRecord | null = null;
    try {
      const spanContext = span.spanContext();
      // A remote span context is not a span of this process.
      if (isSpanContextValid(spanContext) && !spanContext.isRemote) {
        record = this.live.get(spanContext.spanId) ?? this.adoptForeign(span, spanContext, options);
      }
    } catch {
      record = null;
    }
    this.store(span, record);
    return record;
  }

  /** A span another tracer started: its local root is found by parent id, then by trace. */
  private adoptForeign(span: Span, spanContext: SpanContext, options: ResolvedLabelOptions): SpanRecord {
    const fields = span as SdkSpanFields;
    const knowsParent = 'parentSpanContext' in fields || 'parentSpanId' in fields;
    const parentId = fields.parentSpanContext?.spanId ?? fields.parentSpanId;
    let root: SpanRecord | undefined;
    if (!knowsParent || (parentId !== undefined && fields.parentSpanContext?.isRemote !== true)) {
      root = (parentId !== undefined ? this.live.get(parentId)?.root : undefined) ?? this.roots.get(spanContext.traceId);
    }
    const rootUnknown = root === undefined && localParentId(span) !== undefined;
    const name = typeof fields.name === 'string' ? fields.name : undefined;
    const record = new SpanRecord(span, spanContext, name, root?.options ?? options, root, rootUnknown);
    if (span.isRecording() && fields.ended !== true) {
      this.track(record);
      markProfileId(record);
      this.watchEnd(span);
    } else {
      // No end to wait for: its code is labelled, and its tree not kept open.
      record.ended();
    }
    return record;
  }

  private track(record: SpanRecord): void {
    const evicted = this.live.set(record.spanId, record);
    // The oldest of too many spans never seen to end: stop following it, so
    // that neither it nor its slot is kept for ever.
    if (evicted !== undefined) this.forget(evicted);
    // The first local root seen for a trace stays its root.
    if (record.isLocalRoot) this.roots.add(record.traceId, record);
  }

  private forget(record: SpanRecord): void {
    record.ended();
    this.live.delete(record.spanId, record);
    // Only local roots are ever in `roots`.
    if (record.isLocalRoot) this.roots.delete(record.traceId, record);
  }

  private watchEnd(span: Span): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the replacement's `this` is the span
    const registry = this;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the span as `this`
    const end = span.end;
    span.end = function endAndForget(this: Span, endTime?: Parameters<Span['end']>[0]): void {
      registry.ended(this);
      end.call(this, endTime);
    };
  }

  private read(span: object): SpanRecord | null | undefined {
    const record = (span as SdkSpanFields)[kRecord];
    return record !== undefined ? record : this.detached.get(span);
  }

  private store(span: Span, record: SpanRecord | null): void {
    if (Object.isExtensible(span)) (span as SdkSpanFields)[kRecord] = record;
    else this.detached.set(span, record);
  }
}

/**
 * The span has ids to label with. The same answer as the API's
 * isSpanContextValid for any id a tracer generates (hex of the right
 * length), without its two regular expressions on every span start.
 */
function hasIds(spanContext: SpanContext): boolean {
  const { traceId, spanId } = spanContext;
  return (
    typeof traceId === 'string' &&
    typeof spanId === 'string' &&
    traceId.length === 32 &&
    spanId.length === 16 &&
    traceId !== INVALID_TRACEID &&
    spanId !== INVALID_SPANID
  );
}

/**
 * The id of the span's parent when the SDK says it is a span of this process
 * (SDK 2.x `parentSpanContext`, not remote); undefined otherwise. SDK 1.x's
 * `parentSpanId` does not say whether the parent was remote: not used.
 */
function localParentId(span: Span): string | undefined {
  const parent = (span as SdkSpanFields).parentSpanContext;
  return parent !== undefined && parent.isRemote !== true && isSpanContextValid(parent) ? parent.spanId : undefined;
}

function markProfileId(record: SpanRecord): void {
  const scope = record.options.spanIdScope;
  if (record.sampled && (scope === 'all' || (scope === 'root' && record.isLocalRoot))) {
    record.setAttribute(PROFILE_ID_ATTRIBUTE, record.spanId);
  }
}

/** The registry that the tracer wrapper, the span processor and the context tracker share. */
export const spanRegistry = new SpanRegistry();
