/**
 * spanprof: span profiles for Node.js.
 *
 *   const spanprof = require('spanprof');
 *   const profiler = spanprof.start({ serviceName: 'checkout' });
 *   // ... later
 *   await profiler.stop();
 *
 * Or with no code at all: `node --import spanprof/register app.js`.
 */
export { start, current, type StartOptions } from './api/start';
export type { Spanprof, SpanprofStats } from './api/handle';
export { ConfigError } from './config/config-error';
export type { SpanprofOptions, SpanprofConfig, LabelScope } from './config/types';
export { OPTIONS_TABLE } from './config/options-table';
export { ProfilingTracerProvider } from './otel/profiling-tracer-provider';
export { ProfilingSpanProcessor } from './otel/profiling-span-processor';
export { PROFILE_ID_ATTRIBUTE } from './otel/span-registry';
export { withLabels, currentLabels } from './labels/label-context';
export type { Labels } from './labels/label-set';
export type { LabelSetStats } from './labels/label-budget';
export type { SpanLabelOptions } from './otel/label-options';
export type { EncodedWindow, WindowSummary } from './pprof/encoded-window';
