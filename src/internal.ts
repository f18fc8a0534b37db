/**
 * The one entry the project's own tests and benchmarks use for what the
 * package does not make public. Each name is typed against its module, so
 * moving or renaming one breaks this file's build rather than a test at run
 * time. Each module is loaded when a name of it is first read: loading them
 * all would give every test process undici and the report code it never
 * uses, and the state of V8 they bring. Not part of the public API.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export {};

/** A getter for `key` of the module `load` returns, loaded on first read. */
function lazy<M, K extends keyof M>(load: () => M, key: K): PropertyDescriptor {
  return { enumerable: true, get: () => load()[key] };
}

const apiStart = () => require('./api/start') as typeof import('./api/start');
const config = () => require('./config') as typeof import('./config');
const contextAsyncContextFrame = () => require('./context/async-context-frame') as typeof import('./context/async-context-frame');
const contextContextTracker = () => require('./context/context-tracker') as typeof import('./context/context-tracker');
const contextFrameHolders = () => require('./context/frame-holders') as typeof import('./context/frame-holders');
const contextHolderFrameWriter = () =>
  require('./context/holder-frame-writer') as typeof import('./context/holder-frame-writer');
const contextContinuationHooks = () => require('./context/continuation-hooks') as typeof import('./context/continuation-hooks');
const demoDemoService = () => require('./demo/demo-service') as typeof import('./demo/demo-service');
const apiCreateExporter = () => require('./api/create-exporter') as typeof import('./api/create-exporter');
const exporters = () => require('./export') as typeof import('./export');
const exportWindowCatalog = () => require('./export/window-catalog') as typeof import('./export/window-catalog');
const exportDirectoryPlan = () => require('./export/directory-plan') as typeof import('./export/directory-plan');
const helperThread = () => require('./helper-thread') as typeof import('./helper-thread');
const labelsLabelContext = () => require('./labels/label-context') as typeof import('./labels/label-context');
const labelsLabelBudget = () => require('./labels/label-budget') as typeof import('./labels/label-budget');
const log = () => require('./log') as typeof import('./log');
const nativeLayout = () => require('./native/layout') as typeof import('./native/layout');
const pprofEncodeInParts = () => require('./pprof/encode-in-parts') as typeof import('./pprof/encode-in-parts');
const pprofDeferredStringTable = () =>
  require('./pprof/deferred-string-table') as typeof import('./pprof/deferred-string-table');
const pprofThreadSlicer = () => require('./pprof/thread-slicer') as typeof import('./pprof/thread-slicer');
const nativeLoad = () => require('./native/load') as typeof import('./native/load');
const otel = () => require('./otel') as typeof import('./otel');
const otelBoundedIdIndex = () => require('./otel/bounded-id-index') as typeof import('./otel/bounded-id-index');
const otelSpanRegistry = () => require('./otel/span-registry') as typeof import('./otel/span-registry');
const pprof = () => require('./pprof') as typeof import('./pprof');
const pprofBuildProfiles = () => require('./pprof/build-profiles') as typeof import('./pprof/build-profiles');
const pprofEncodeWindow = () => require('./pprof/encode-window') as typeof import('./pprof/encode-window');
const pprofEncodedWindow = () => require('./pprof/encoded-window') as typeof import('./pprof/encoded-window');
const profilerExportingSink = () => require('./profiler/exporting-sink') as typeof import('./profiler/exporting-sink');
const profilerPauseRecorder = () => require('./profiler/pause-recorder') as typeof import('./profiler/pause-recorder');
const profilerPorts = () => require('./profiler/ports') as typeof import('./profiler/ports');
const profilerSpanProfiler = () => require('./profiler/span-profiler') as typeof import('./profiler/span-profiler');
const report = () => require('./report') as typeof import('./report');
const reportRenderHtml = () => require('./report/render-html') as typeof import('./report/render-html');
const samplerThreadSampler = () => require('./sampler/thread-sampler') as typeof import('./sampler/thread-sampler');
const slots = () => require('./slots') as typeof import('./slots');
const sourcemap = () => require('./sourcemap') as typeof import('./sourcemap');
const version = () => require('./version') as typeof import('./version');

Object.defineProperties(exports, {
  start: lazy(apiStart, 'start'),
  resolveConfig: lazy(config, 'resolveConfig'),
  ConfigError: lazy(config, 'ConfigError'),
  OPTIONS_TABLE: lazy(config, 'OPTIONS_TABLE'),
  optionsTableMarkdown: lazy(config, 'optionsTableMarkdown'),
  asyncContextFacts: lazy(contextAsyncContextFrame, 'asyncContextFacts'),
  ContextTracker: lazy(contextContextTracker, 'ContextTracker'),
  FrameHolders: lazy(contextFrameHolders, 'FrameHolders'),
  followEnterWith: lazy(contextHolderFrameWriter, 'followEnterWith'),
  installContinuationHooks: lazy(contextContinuationHooks, 'installContinuationHooks'),
  DEMO_ENDPOINTS: lazy(demoDemoService, 'DEMO_ENDPOINTS'),
  createExporter: lazy(apiCreateExporter, 'createExporter'),
  createLogger: lazy(apiCreateExporter, 'createLogger'),
  DEFAULT_BACKOFF: lazy(exporters, 'DEFAULT_BACKOFF'),
  DirectoryExporter: lazy(exporters, 'DirectoryExporter'),
  FanOutExporter: lazy(exporters, 'FanOutExporter'),
  PyroscopeExporter: lazy(exporters, 'PyroscopeExporter'),
  parseRetryAfter: lazy(exporters, 'parseRetryAfter'),
  readOutputIndex: lazy(exporters, 'readOutputIndex'),
  WindowCatalog: lazy(exportWindowCatalog, 'WindowCatalog'),
  indexParts: lazy(exportDirectoryPlan, 'indexParts'),
  recordOf: lazy(exportDirectoryPlan, 'recordOf'),
  stemOf: lazy(exportDirectoryPlan, 'stemOf'),
  retryDelayMs: lazy(exporters, 'retryDelayMs'),
  BackgroundEncoder: lazy(helperThread, 'BackgroundEncoder'),
  OnDemandEncoder: lazy(helperThread, 'OnDemandEncoder'),
  ENCODE_SLICE_MS: lazy(helperThread, 'ENCODE_SLICE_MS'),
  LARGE_MAP_BYTES: lazy(helperThread, 'LARGE_MAP_BYTES'),
  currentLabels: lazy(labelsLabelContext, 'currentLabels'),
  withLabels: lazy(labelsLabelContext, 'withLabels'),
  useLabelSetBudget: lazy(labelsLabelContext, 'useLabelSetBudget'),
  LabelSetBudget: lazy(labelsLabelBudget, 'LabelSetBudget'),
  REDACTED: lazy(log, 'REDACTED'),
  createRedactor: lazy(log, 'createRedactor'),
  createStderrLogger: lazy(log, 'createStderrLogger'),
  redactingLogger: lazy(log, 'redactingLogger'),
  EXPECTED_LAYOUT: lazy(nativeLayout, 'EXPECTED_LAYOUT'),
  layoutDifferences: lazy(nativeLayout, 'layoutDifferences'),
  SUPPORTED_NODE_MAJORS: lazy(nativeLoad, 'SUPPORTED_NODE_MAJORS'),
  loadNative: lazy(nativeLoad, 'loadNative'),
  DEFAULT_LABEL_OPTIONS: lazy(otel, 'DEFAULT_LABEL_OPTIONS'),
  ProfilingSpanProcessor: lazy(otel, 'ProfilingSpanProcessor'),
  ProfilingTracerProvider: lazy(otel, 'ProfilingTracerProvider'),
  resolveLabelOptions: lazy(otel, 'resolveLabelOptions'),
  PROFILE_ID_ATTRIBUTE: lazy(otelSpanRegistry, 'PROFILE_ID_ATTRIBUTE'),
  BoundedIdIndex: lazy(otelBoundedIdIndex, 'BoundedIdIndex'),
  SpanRegistry: lazy(otelSpanRegistry, 'SpanRegistry'),
  spanRegistry: lazy(otelSpanRegistry, 'spanRegistry'),
  InThreadEncoder: lazy(pprof, 'InThreadEncoder'),
  encodeWindow: lazy(pprof, 'encodeWindow'),
  functionDisplayName: lazy(pprof, 'functionDisplayName'),
  MAX_LABEL_VALUE_LENGTH: lazy(pprofBuildProfiles, 'MAX_LABEL_VALUE_LENGTH'),
  buildWithFunctions: lazy(pprofBuildProfiles, 'buildWithFunctions'),
  nodeFunctions: lazy(pprofBuildProfiles, 'nodeFunctions'),
  encodeWindowSync: lazy(pprofEncodeWindow, 'encodeWindowSync'),
  encodeInParts: lazy(pprofEncodeInParts, 'encodeInParts'),
  DeferredStringTable: lazy(pprofDeferredStringTable, 'DeferredStringTable'),
  ThreadSlicer: lazy(pprofThreadSlicer, 'ThreadSlicer'),
  encodedBytes: lazy(pprofEncodedWindow, 'encodedBytes'),
  ExportingSink: lazy(profilerExportingSink, 'ExportingSink'),
  PauseRecorder: lazy(profilerPauseRecorder, 'PauseRecorder'),
  UNLABELLED_SOURCE: lazy(profilerPorts, 'UNLABELLED_SOURCE'),
  SpanProfiler: lazy(profilerSpanProfiler, 'SpanProfiler'),
  ReportError: lazy(report, 'ReportError'),
  callTree: lazy(report, 'callTree'),
  formatSpanTable: lazy(report, 'formatSpanTable'),
  formatTop: lazy(report, 'formatTop'),
  readProfiles: lazy(report, 'readProfiles'),
  renderTopTable: lazy(report, 'renderTopTable'),
  resolveSelection: lazy(report, 'resolveSelection'),
  topFunctions: lazy(report, 'topFunctions'),
  writeReport: lazy(report, 'writeReport'),
  pageData: lazy(reportRenderHtml, 'pageData'),
  ThreadSampler: lazy(samplerThreadSampler, 'ThreadSampler'),
  DEFAULT_SLOT_CAPACITY: lazy(slots, 'DEFAULT_SLOT_CAPACITY'),
  SlotTable: lazy(slots, 'SlotTable'),
  createFrameMapper: lazy(sourcemap, 'createFrameMapper'),
  shortenPath: lazy(sourcemap, 'shortenPath'),
  scriptMapBytes: lazy(sourcemap, 'scriptMapBytes'),
  VERSION: lazy(version, 'VERSION'),
});
