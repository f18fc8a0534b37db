/**
 * The one entry the project's own tests and benchmarks use for what the
 * package does not make public. Names are re-exported one by one, so that
 * moving or renaming a module breaks this file's build rather than a test
 * at run time. Not part of the public API: it may change in any release.
 */
export { start } from './api/start';
export { resolveConfig, ConfigError, OPTIONS_TABLE, optionsTableMarkdown } from './config';
export { asyncContextFacts } from './context/async-context-frame';
export { ContextTracker } from './context/context-tracker';
export { installContinuationHooks } from './context/continuation-hooks';
export { DEMO_ENDPOINTS } from './demo/demo-service';
export { createExporter, createLogger } from './api/create-exporter';
export {
  DEFAULT_BACKOFF,
  DirectoryExporter,
  FanOutExporter,
  PyroscopeExporter,
  parseRetryAfter,
  readOutputIndex,
  retryDelayMs,
} from './export';
export { BackgroundEncoder } from './helper-thread';
export { currentLabels, withLabels } from './labels/label-context';
export { REDACTED, createRedactor, createStderrLogger, redactingLogger } from './log';
export { EXPECTED_LAYOUT, layoutDifferences } from './native/layout';
export { SUPPORTED_NODE_MAJORS, loadNative } from './native/load';
export { DEFAULT_LABEL_OPTIONS, ProfilingSpanProcessor, ProfilingTracerProvider, resolveLabelOptions } from './otel';
export { PROFILE_ID_ATTRIBUTE, SpanRegistry, spanRegistry } from './otel/span-registry';
export { InThreadEncoder, encodeWindow, functionDisplayName } from './pprof';
export { MAX_LABEL_VALUE_LENGTH } from './pprof/build-profiles';
export { encodeWindowSync } from './pprof/encode-window';
export { encodedBytes } from './pprof/encoded-window';
export { ExportingSink } from './profiler/exporting-sink';
export { PauseRecorder } from './profiler/pause-recorder';
export { UNLABELLED_SOURCE } from './profiler/ports';
export { SpanProfiler } from './profiler/span-profiler';
export {
  ReportError,
  callTree,
  formatSpanTable,
  formatTop,
  readProfiles,
  renderTopTable,
  resolveSelection,
  topFunctions,
  writeReport,
} from './report';
export { pageData } from './report/render-html';
export { ThreadSampler } from './sampler/thread-sampler';
export { DEFAULT_SLOT_CAPACITY, SlotTable } from './slots';
export { createFrameMapper, shortenPath } from './sourcemap';
export { VERSION } from './version';
