import { TraceFlags } from '@opentelemetry/api';
import type { Span, SpanContext } from '@opentelemetry/api';
import type { SpanLabels } from '../window/profile-window';
import type { FrameHolder } from '../slots/label-entry';
import type { LabelEntry } from '../slots/label-entry';
import type { LabelScope, ResolvedLabelOptions } from './label-options';

/**
 * What spanprof knows of one span of this process. It holds the SDK span
 * only until the span ends: a label entry lives until the window its code
 * ran in closes, and the span (attributes, events, resource, processors'
 * closures) must not live that long with it.
 */
export class SpanRecord {
  readonly spanId: string;
  readonly traceId: string;
  /** Only sampled spans label samples with their ids. */
  readonly sampled: boolean;
  /** The local root of this span's trace in this process: itself for a root. */
  readonly root: SpanRecord;
  private entryCache: LabelEntry | null | undefined;
  private rootEntryCache: LabelEntry | null | undefined;
  /** The SDK span while it runs; undefined once it ended. */
  private span: Span | undefined;
  /** On a local root: the spans of its tree (itself included) still running. */
  private runningInTree = 0;

  constructor(
    span: Span,
    spanContext: SpanContext,
    private startName: string | undefined,
    readonly options: ResolvedLabelOptions,
    root: SpanRecord | undefined,
    /**
     * The span has a local parent that was never seen, so its local root is
     * unknown: it heads its own tree here but is not a local root, and no
     * sample under it carries a root span id.
     */
    private readonly rootUnknown = false,
  ) {
    this.spanId = spanContext.spanId;
    this.traceId = spanContext.traceId;
    this.sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0;
    this.root = root ?? this;
    this.span = span;
    this.root.runningInTree++;
  }

  /** Whether the SDK span is still held (it has not been seen to end). */
  get holdsSpan(): boolean {
    return this.span !== undefined;
  }

  /** Sets an attribute on the span while it runs; false once it ended. */
  setAttribute(key: string, value: string): boolean {
    if (this.span === undefined) return false;
    this.span.setAttribute(key, value);
    return true;
  }

  /**
   * The span ended (or will not be followed any more): keep its final name
   * and let the SDK object go.
   */
  ended(): void {
    if (this.span === undefined) return;
    this.startName = this.name();
    this.span = undefined;
    this.root.runningInTree--;
  }

  /** No span of this local root's tree still runs (on a root record). */
  get treeEnded(): boolean {
    return this.runningInTree === 0;
  }

  get isLocalRoot(): boolean {
    return this.root === this && !this.rootUnknown;
  }

  /** The name as it is now: SDK spans can be renamed (routes are often known late). */
  name(): string | undefined {
    if (this.span === undefined) return this.startName;
    const current = (this.span as { name?: unknown }).name;
    return typeof current === 'string' ? current : this.startName;
  }

  /** The entry that code running in this span publishes; null when it carries no labels. */
  entry(): LabelEntry | null {
    if (this.entryCache === undefined) {
      const { spanIdScope, spanNameScope } = this.options;
      this.entryCache =
        spanIdScope !== 'all' && spanNameScope !== 'all'
          ? // Labels come from the root alone: every span under it shares one entry.
            this.root.rootEntry()
          : newEntry(this.pick(spanIdScope, true), this.pick(spanNameScope, false), this, false);
    }
    return this.entryCache;
  }

  private rootEntry(): LabelEntry | null {
    if (this.rootEntryCache === undefined) {
      const { spanIdScope, spanNameScope } = this.options;
      this.rootEntryCache = newEntry(
        spanIdScope !== 'none' && this.sampled && !this.rootUnknown ? this : undefined,
        spanNameScope !== 'none' ? this : undefined,
        this,
        true,
      );
    }
    return this.rootEntryCache;
  }

  private pick(scope: LabelScope, forId: boolean): SpanRecord | undefined {
    const source = scope === 'root' ? this.root : scope === 'all' ? this : undefined;
    return forId && source !== undefined && !source.sampled ? undefined : source;
  }
}

/**
 * `owner` is the span whose code publishes the entry: with `wholeTree`, a
 * local root whose every span shares it.
 */
function newEntry(
  idSource: SpanRecord | undefined,
  nameSource: SpanRecord | undefined,
  owner: SpanRecord,
  wholeTree: boolean,
): LabelEntry | null {
  if (idSource === undefined && nameSource === undefined) return null;
  return new SpanLabelEntry(idSource, nameSource, owner, wholeTree);
}

class SpanLabelEntry implements LabelEntry {
  slot = 0;
  frameHolder: FrameHolder | undefined = undefined;
  firstLabelled: (LabelEntry & { readonly set: object }) | undefined = undefined;

  constructor(
    private readonly idSource: SpanRecord | undefined,
    private readonly nameSource: SpanRecord | undefined,
    private readonly owner: SpanRecord,
    private readonly wholeTree: boolean,
  ) {}

  spansEnded(): boolean {
    return this.wholeTree ? this.owner.treeEnded : !this.owner.holdsSpan;
  }

  labels(): SpanLabels {
    const name = this.nameSource?.name();
    if (this.idSource === undefined) return name === undefined ? {} : { spanName: name };
    const { spanId, traceId } = this.idSource;
    return name === undefined ? { spanId, traceId } : { spanId, traceId, spanName: name };
  }
}
