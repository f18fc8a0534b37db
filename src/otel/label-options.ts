/**
 * Which spans label the samples taken while they run, as otel-profiling-go's
 * WithSpanIDLabelScope / WithSpanNameLabelScope:
 * - `root`: the local root span (the first span of the trace in this process:
 *   no parent, or a remote one), so a request's whole CPU sits under one id;
 * - `all`: the innermost active span itself;
 * - `none`: no such label.
 */
export type LabelScope = 'root' | 'all' | 'none';

export interface SpanLabelOptions {
  /** Span whose `span_id` (and `trace_id`) labels a sample. Default `root`. */
  readonly spanIdScope?: LabelScope;
  /**
   * Span whose name labels a sample as `span_name`. Pyroscope turns it into a
   * series label, so keep it low-cardinality. Default `root`.
   */
  readonly spanNameScope?: LabelScope;
}

export interface ResolvedLabelOptions {
  readonly spanIdScope: LabelScope;
  readonly spanNameScope: LabelScope;
}

export const DEFAULT_LABEL_OPTIONS: ResolvedLabelOptions = Object.freeze({
  spanIdScope: 'root',
  spanNameScope: 'root',
});

export const LABEL_SCOPES: readonly LabelScope[] = ['root', 'all', 'none'];
const KNOWN = ['spanIdScope', 'spanNameScope'];

/** Checks user options; a wrong value throws, naming the option and what it accepts. */
export function resolveLabelOptions(options: unknown, extraKeys: readonly string[] = []): ResolvedLabelOptions {
  if (options === undefined) return DEFAULT_LABEL_OPTIONS;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`span label options must be an object with ${KNOWN.join(', ')}; got ${describe(options)}`);
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN.includes(key) && !extraKeys.includes(key)) {
      throw new TypeError(`unknown span label option ${key}; accepted: ${[...KNOWN, ...extraKeys].join(', ')}`);
    }
  }
  return {
    spanIdScope: scope(record, 'spanIdScope'),
    spanNameScope: scope(record, 'spanNameScope'),
  };
}

function scope(record: Record<string, unknown>, key: keyof ResolvedLabelOptions): LabelScope {
  const value = record[key];
  if (value === undefined) return DEFAULT_LABEL_OPTIONS[key];
  if (typeof value === 'string' && (LABEL_SCOPES as readonly string[]).includes(value)) return value as LabelScope;
  throw new RangeError(
    `${key} must be one of ${LABEL_SCOPES.map((s) => `'${s}'`).join(', ')} ` +
      `(default '${DEFAULT_LABEL_OPTIONS[key]}'); got ${describe(value)}`,
  );
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
