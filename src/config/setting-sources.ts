import { ConfigError } from './config-error';
import { optionSuggestion } from './option-suggestions';
import type { SpanprofOptions } from './types';

const KNOWN_OPTIONS: ReadonlySet<string> = new Set<keyof SpanprofOptions>([
  'enabled', 'serviceName', 'serverAddress', 'authToken', 'basicAuthUser', 'basicAuthPassword',
  'tenantId', 'headers', 'ca', 'caFile', 'uploadProtocol', 'uploadTimeoutSeconds', 'maxQueueBytes',
  'tags', 'outputDir', 'outputMaxBytes', 'outputMaxWindows', 'windowSeconds', 'spanIdScope', 'spanNameScope', 'traceIdLabel', 'wall',
  'sourceMaps', 'logLevel', 'maxLabelSets',
]);

/**
 * Reads one setting from code options first, then the environment. An
 * empty or blank variable counts as unset, as OpenTelemetry specifies.
 */
export class SettingSources {
  constructor(
    readonly options: SpanprofOptions,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {
    if (options === null || typeof options !== 'object') {
      throw new ConfigError('options', 'must be an object');
    }
    for (const key of Object.keys(options)) {
      if (!KNOWN_OPTIONS.has(key)) {
        throw new ConfigError(
          `options.${key}`,
          `is not an option.${optionSuggestion(key, KNOWN_OPTIONS)} Known options: ${[...KNOWN_OPTIONS].join(', ')}`,
        );
      }
    }
  }

  envValue(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v;
  }

  /** A code option, checked to be of `type`; undefined when not set. */
  option<K extends keyof SpanprofOptions>(
    key: K,
    type: 'string' | 'number' | 'boolean' | 'object',
  ): SpanprofOptions[K] | undefined {
    const value = this.options[key];
    if (value === undefined) return undefined;
    const actual = value === null ? 'null' : typeof value;
    const ok =
      actual === type &&
      (type !== 'number' || Number.isFinite(value)) &&
      (type !== 'object' || !Array.isArray(value));
    if (!ok) throw new ConfigError(`options.${key}`, `${describe(value)} is not accepted; use a ${type}`);
    return value;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
