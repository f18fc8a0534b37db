/** The OpenTelemetry side: the tracer provider wrapper, the span processor, and what they know of spans. */
export { DEFAULT_LABEL_OPTIONS, resolveLabelOptions } from './label-options';
export type { LabelScope, ResolvedLabelOptions, SpanLabelOptions } from './label-options';
export { ProfilingSpanProcessor } from './profiling-span-processor';
export { ProfilingTracerProvider } from './profiling-tracer-provider';
export { PROFILE_ID_ATTRIBUTE } from './span-registry';
