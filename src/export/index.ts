export type { ExporterStats, ProfileExporter } from './exporter';
export { PyroscopeExporter, type PyroscopeExporterOptions } from './pyroscope-exporter';
export type { PyroscopeTarget, PyroscopeAuth, UploadProtocol } from './pyroscope-target';
export { PUSH_PATH, INGEST_PATH, ingestName, seriesLabels } from './pyroscope-requests';
export { DEFAULT_BACKOFF, retryDelayMs, parseRetryAfter, type BackoffPolicy } from './backoff';
export {
  createStderrLogger,
  redactingLogger,
  silentLogger,
  LOG_LEVELS,
  type Logger,
  type LogLevel,
  type StderrLoggerOptions,
} from './logger';
export { createRedactor, REDACTED, type Redactor } from './redact';
export { DirectoryExporter, type DirectoryExporterOptions, type DirectoryExporterStats } from './directory-exporter';
export { readOutputIndex, INDEX_FILE, type OutputIndex, type WindowRecord } from './directory-index';
export { writeFileAtomic } from './atomic-write';
export { FanOutExporter } from './fan-out-exporter';
export { createExporter, createLogger, type ExporterExtras } from './from-config';
