import type { SpanprofConfig } from '../config/types';
import type { BackoffPolicy } from '../export/backoff';
import { DirectoryExporter } from '../export/directory-exporter';
import type { ProfileExporter } from '../export/exporter';
import { FanOutExporter } from '../export/fan-out-exporter';
import { createStderrLogger, type Logger } from '../log/logger';
import { createRedactor } from '../log/redact';

/** The stderr logger at the configured level, hiding the configured secrets. */
export function createLogger(
  config: Pick<SpanprofConfig, 'logLevel' | 'secrets'>,
  write?: (line: string) => void,
): Logger {
  return createStderrLogger({ level: config.logLevel, redact: createRedactor(config.secrets), ...(write ? { write } : {}) });
}

export interface ExporterExtras {
  /** Retry timing for uploads; the default suits production. */
  readonly backoff?: BackoffPolicy;
}

/**
 * The exporter a config asks for: Pyroscope when a server address is set,
 * the output directory when none is (or when both are asked for, both).
 * Undefined when profiling is off.
 */
export function createExporter(
  config: SpanprofConfig,
  logger: Logger,
  extras: ExporterExtras = {},
): ProfileExporter | undefined {
  if (!config.enabled) return undefined;
  const outputs: ProfileExporter[] = [];
  if (config.pyroscope) {
    // Loaded only when uploading: undici and its ~100 modules cost ~19 MiB of
    // RSS that a service writing to a directory should not pay.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PyroscopeExporter } = require('../export/pyroscope-exporter') as typeof import('../export/pyroscope-exporter');
    outputs.push(
      new PyroscopeExporter({
        target: config.pyroscope.target,
        maxQueueBytes: config.pyroscope.maxQueueBytes,
        logger,
        traceIdLabel: config.traceIdLabel,
        ...(extras.backoff ? { backoff: extras.backoff } : {}),
      }),
    );
  }
  if (config.directory) {
    outputs.push(
      new DirectoryExporter({
        directory: config.directory.path,
        maxBytes: config.directory.maxBytes,
        maxWindows: config.directory.maxWindows,
        maxQueueBytes: config.directory.maxQueueBytes,
        serviceName: config.serviceName,
        logger,
      }),
    );
  }
  if (outputs.length === 0) return undefined;
  return outputs.length === 1 ? outputs[0] : new FanOutExporter(outputs);
}
