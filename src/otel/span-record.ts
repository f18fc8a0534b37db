import { TraceFlags } from '@opentelemetry/api';
import type { Span, SpanContext } from '@opentelemetry/api';
import type { SpanLabels } from '../profile/window';
import type { LabelEntry } from './label-entry';
import type { LabelScope, ResolvedLabelOptions } from './label-options';

/** What spanprof knows of one span of this process. */
export class SpanRecord {
  readonly spanId: string;
  readonly traceId: string;
  /** Only sampled spans label samples with their ids. */
  readonly sampled: boolean;
  /** The local root of this span's trace in this process: itself for a root. */
  readonly root: SpanRecord;
  private entryCache: LabelEntry | null | undefined;
  private rootEntryCache: LabelEntry | null | undefined;

  constructor(
    readonly span: Span,
    spanContext: SpanContext,
    private readonly startName: string | undefined,
    readonly options: ResolvedLabelOptions,
    root: SpanRecord | undefined,
  ) {
    this.spanId = spanContext.spanId;
    this.traceId = spanContext.traceId;
    this.sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0;
    this.root = root ?? this;
  }

  get isLocalRoot(): boolean {
    return this.root === this;
  }

  /** The name as it is now: SDK spans can be renamed (routes are often known late). */
  name(): string | undefined {
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
          : newEntry(this.pick(spanIdScope, true), this.pick(spanNameScope, false));
    }
    return this.entryCache;
  }

  private rootEntry(): LabelEntry | null {
    if (this.rootEntryCache === undefined) {
      const { spanIdScope, spanNameScope } = this.options;
      this.rootEntryCache = newEntry(
        spanIdScope !== 'none' && this.sampled ? this : undefined,
        spanNameScope !== 'none' ? this : undefined,
      );
    }
    return this.rootEntryCache;
  }

  private pick(scope: LabelScope, forId: boolean): SpanRecord | undefined {
    const source = scope === 'root' ? this.root : scope === 'all' ? this : undefined;
    return forId && source !== undefined && !source.sampled ? undefined : source;
  }
}

function newEntry(idSource: SpanRecord | undefined, nameSource: SpanRecord | undefined): LabelEntry | null {
  if (idSource === undefined && nameSource === undefined) return null;
  return new SpanLabelEntry(idSource, nameSource);
}

class SpanLabelEntry implements LabelEntry {
  slot = 0;

  constructor(
    private readonly idSource: SpanRecord | undefined,
    private readonly nameSource: SpanRecord | undefined,
  ) {}

  labels(): SpanLabels {
    const name = this.nameSource?.name();
    if (this.idSource === undefined) return name === undefined ? {} : { spanName: name };
    const { spanId, traceId } = this.idSource;
    return name === undefined ? { spanId, traceId } : { spanId, traceId, spanName: name };
  }
}
