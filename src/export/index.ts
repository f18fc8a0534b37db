/** Where encoded windows go: Pyroscope, a local directory, or both. */
export type { ExporterStats, ProfileExporter } from './exporter';
export { PyroscopeExporter, type PyroscopeExporterOptions } from './pyroscope-exporter';
export { PUSH_PATH, INGEST_PATH, ingestName, seriesLabels } from './pyroscope-requests';
export { DEFAULT_BACKOFF, retryDelayMs, parseRetryAfter, type BackoffPolicy } from './backoff';
export { DirectoryExporter, type DirectoryExporterOptions, type DirectoryExporterStats } from './directory-exporter';
export { readOutputIndex, INDEX_FILE, type OutputIndex, type WindowRecord } from './directory-index';
export { writeFileAtomic } from './atomic-write';
export { FanOutExporter } from './fan-out-exporter';
