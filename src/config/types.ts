import type { LogLevel } from '../log/logger';
import type { PyroscopeTarget, UploadProtocol } from './pyroscope-target';

import type { LabelScope } from '../otel/label-options';

export { LABEL_SCOPES, type LabelScope } from '../otel/label-options';
export const UPLOAD_PROTOCOLS: readonly UploadProtocol[] = ['push', 'ingest'];

/** What code may pass; each field overrides its environment variable. */
export interface SpanprofOptions {
  enabled?: boolean;
  serviceName?: string;
  serverAddress?: string;
  authToken?: string;
  basicAuthUser?: string;
  basicAuthPassword?: string;
  tenantId?: string;
  headers?: Record<string, string>;
  /** PEM text of CA certificates to trust for https, besides the system's. */
  ca?: string | Buffer;
  caFile?: string;
  uploadProtocol?: UploadProtocol;
  uploadTimeoutSeconds?: number;
  maxQueueBytes?: number;
  tags?: Record<string, string>;
  outputDir?: string;
  outputMaxBytes?: number;
  outputMaxWindows?: number;
  windowSeconds?: number;
  spanIdScope?: LabelScope;
  spanNameScope?: LabelScope;
  traceIdLabel?: boolean;
  wall?: boolean;
  sourceMaps?: boolean;
  logLevel?: LogLevel;
  maxLabelSets?: number;
}

export interface PyroscopeOutput {
  readonly target: PyroscopeTarget;
  readonly maxQueueBytes: number;
}

export interface DirectoryOutput {
  readonly path: string;
  readonly maxBytes: number;
  readonly maxWindows: number;
  readonly maxQueueBytes: number;
  /** True when no setting chose the directory: the default, for want of a server. */
  readonly byDefault: boolean;
}

/** Options and environment resolved into one validated whole. */
export interface SpanprofConfig {
  readonly enabled: boolean;
  /** The setting that turned profiling off, when it is off. */
  readonly disabledBy?: string;
  readonly serviceName: string;
  /** Where the service name came from: an option or variable name, or 'default'. */
  readonly serviceNameFrom: string;
  readonly windowMs: number;
  readonly spanIdScope: LabelScope;
  readonly spanNameScope: LabelScope;
  /** Whether samples carry `trace_id` besides `span_id`. */
  readonly traceIdLabel: boolean;
  readonly wall: boolean;
  readonly sourceMaps: boolean;
  readonly logLevel: LogLevel;
  /** Most distinct custom label sets entered per window. */
  readonly maxLabelSets: number;
  readonly tags: Readonly<Record<string, string>>;
  /** Set when a server address is. */
  readonly pyroscope?: PyroscopeOutput;
  /** Set when no server address is, or an output directory was asked for too. */
  readonly directory?: DirectoryOutput;
  /** Values no log line or error may show. */
  readonly secrets: readonly string[];
  /** Settings that were overridden or ignored, worth one log line each. */
  readonly warnings: readonly string[];
}
