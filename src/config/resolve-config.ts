import * as path from 'node:path';
import { LOG_LEVELS, type LogLevel } from '../log/logger';
import { ConfigError } from './config-error';
import {
  authSetting,
  caSetting,
  headersSetting,
  serverSetting,
  tenantSetting,
} from './connection-settings';
import { DEFAULTS, LIMITS } from './options-table';
import { parseBoolean, parseEnum } from './parse-values';
import { serviceName } from './service-name';
import { SettingSources } from './setting-sources';
import { tagsSetting } from './tags';
import { boolSetting, bytesSetting, enumSetting, integerSetting, numberSetting, stringSetting } from './typed-settings';
import {
  LABEL_SCOPES,
  UPLOAD_PROTOCOLS,
  type SpanprofConfig,
  type SpanprofOptions,
} from './types';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Resolves code options and environment variables into one validated
 * config. A code option wins over its variables, which win over the
 * default. Throws a ConfigError naming the option or variable and what it
 * accepts at the first bad value. When profiling is off, nothing else is
 * read.
 */
export function resolveConfig(options: SpanprofOptions = {}, env: Env = process.env): SpanprofConfig {
  const src = new SettingSources(options, env);
  const disabledBy = whatDisables(src);
  if (disabledBy) return disabledConfig(disabledBy);

  const warnings: string[] = [];
  const secrets: string[] = [];
  const service = serviceName(src, warnings);
  const protocol = enumSetting(src, 'uploadProtocol', 'SPANPROF_UPLOAD_PROTOCOL', UPLOAD_PROTOCOLS, DEFAULTS.uploadProtocol);
  const tags = tagsSetting(src);
  const maxQueueBytes = bytesSetting(src, 'maxQueueBytes', 'SPANPROF_MAX_QUEUE_BYTES', LIMITS.maxQueueBytes, DEFAULTS.maxQueueBytes);
  const timeoutSeconds = numberSetting(
    src, 'uploadTimeoutSeconds', 'SPANPROF_UPLOAD_TIMEOUT_SECONDS',
    LIMITS.uploadTimeoutSeconds, LIMITS.uploadTimeoutSeconds, DEFAULTS.uploadTimeoutSeconds,
  );
  const windowSeconds = numberSetting(
    src, 'windowSeconds', 'SPANPROF_WINDOW_SECONDS',
    LIMITS.windowSeconds, LIMITS.windowSecondsFromCode, DEFAULTS.windowSeconds,
  );
  const maxLabelSets = integerSetting(src, 'maxLabelSets', 'SPANPROF_MAX_LABEL_SETS', LIMITS.maxLabelSets, DEFAULTS.maxLabelSets);
  const outputDirSetting = stringSetting(src, 'outputDir', 'SPANPROF_OUTPUT_DIR');
  const outputMaxBytes = bytesSetting(src, 'outputMaxBytes', 'SPANPROF_OUTPUT_MAX_BYTES', LIMITS.outputMaxBytes, DEFAULTS.outputMaxBytes);
  const outputMaxWindows = integerSetting(src, 'outputMaxWindows', 'SPANPROF_OUTPUT_MAX_WINDOWS', LIMITS.outputMaxWindows, DEFAULTS.outputMaxWindows);

  if (protocol === 'ingest' && /[{}]/.test(service.name)) {
    throw new ConfigError(service.from, `${JSON.stringify(service.name)} has { or }, which the ingest protocol cannot carry; use a name without them, or SPANPROF_UPLOAD_PROTOCOL=push`);
  }

  const server = serverSetting(src);
  let pyroscope: SpanprofConfig['pyroscope'];
  if (server) {
    const auth = authSetting(src, server.userInfo);
    if (auth?.kind === 'bearer') secrets.push(auth.token);
    if (auth?.kind === 'basic') secrets.push(auth.password);
    const headers = headersSetting(src);
    secrets.push(...Object.values(headers));
    const tenantId = tenantSetting(src);
    const ca = caSetting(src);
    pyroscope = {
      target: {
        serverAddress: server.address,
        protocol,
        serviceName: service.name,
        tags,
        headers,
        timeoutMs: Math.round(timeoutSeconds * 1000),
        ...(auth ? { auth } : {}),
        ...(tenantId !== undefined ? { tenantId } : {}),
        ...(ca !== undefined ? { ca } : {}),
      },
      maxQueueBytes,
    };
  } else {
    for (const name of ['PYROSCOPE_AUTH_TOKEN', 'PYROSCOPE_BASIC_AUTH_USER', 'PYROSCOPE_TENANT_ID', 'SPANPROF_HEADERS']) {
      if (src.envValue(name) !== undefined) {
        warnings.push(`${name} is set but PYROSCOPE_SERVER_ADDRESS is not: profiles go to the output directory only`);
      }
    }
  }

  const directory =
    !server || outputDirSetting !== undefined
      ? {
          path: path.resolve(outputDirSetting?.value ?? DEFAULTS.outputDir),
          maxBytes: outputMaxBytes,
          maxWindows: outputMaxWindows,
          maxQueueBytes,
          byDefault: outputDirSetting === undefined,
        }
      : undefined;

  return {
    enabled: true,
    serviceName: service.name,
    serviceNameFrom: service.from,
    windowMs: Math.round(windowSeconds * 1000),
    spanIdScope: enumSetting(src, 'spanIdScope', 'SPANPROF_SPAN_ID_SCOPE', LABEL_SCOPES, DEFAULTS.spanIdScope),
    spanNameScope: enumSetting(src, 'spanNameScope', 'SPANPROF_SPAN_NAME_SCOPE', LABEL_SCOPES, DEFAULTS.spanNameScope),
    // Uploads leave trace_id out by default: see the option's description.
    traceIdLabel: boolSetting(src, 'traceIdLabel', 'SPANPROF_TRACE_ID_LABEL', !server),
    wall: boolSetting(src, 'wall', 'SPANPROF_WALL', false),
    sourceMaps: boolSetting(src, 'sourceMaps', 'SPANPROF_SOURCE_MAPS', true),
    logLevel: logLevelSetting(src),
    maxLabelSets,
    tags,
    ...(pyroscope ? { pyroscope } : {}),
    ...(directory ? { directory } : {}),
    secrets: secrets.filter((s) => s.length > 0),
    warnings,
  };
}

function disabledConfig(disabledBy: string): SpanprofConfig {
  return {
    enabled: false,
    disabledBy,
    serviceName: DEFAULTS.serviceName,
    serviceNameFrom: 'default',
    windowMs: DEFAULTS.windowSeconds * 1000,
    spanIdScope: DEFAULTS.spanIdScope,
    spanNameScope: DEFAULTS.spanNameScope,
    traceIdLabel: true,
    wall: false,
    sourceMaps: false,
    logLevel: DEFAULTS.logLevel,
    maxLabelSets: DEFAULTS.maxLabelSets,
    tags: {},
    secrets: [],
    warnings: [],
  };
}

/** The first source that turns profiling off, if any. */
function whatDisables(src: SettingSources): string | undefined {
  if (src.option('enabled', 'boolean') === false) return 'options.enabled';
  const enabled = src.envValue('SPANPROF_ENABLED');
  if (enabled !== undefined && !parseBoolean('SPANPROF_ENABLED', enabled)) return 'SPANPROF_ENABLED';
  const sdkDisabled = src.envValue('OTEL_SDK_DISABLED');
  if (sdkDisabled !== undefined) {
    const v = sdkDisabled.trim().toLowerCase();
    if (v === 'true') return 'OTEL_SDK_DISABLED';
    if (v !== 'false') {
      throw new ConfigError('OTEL_SDK_DISABLED', `${JSON.stringify(sdkDisabled)} is not accepted; use true or false`);
    }
  }
  return undefined;
}

/** OTEL_LOG_LEVEL's values (the OpenTelemetry SDK environment spec) as spanprof's levels. */
const OTEL_LOG_LEVELS: Readonly<Record<string, LogLevel>> = {
  none: 'silent',
  error: 'error',
  warn: 'warn',
  info: 'info',
  debug: 'debug',
  verbose: 'debug',
  all: 'debug',
};

/** SPANPROF_LOG_LEVEL, else the level the app gives all of OpenTelemetry. */
function logLevelSetting(src: SettingSources): LogLevel {
  if (src.option('logLevel', 'string') !== undefined || src.envValue('SPANPROF_LOG_LEVEL') !== undefined) {
    return enumSetting(src, 'logLevel', 'SPANPROF_LOG_LEVEL', LOG_LEVELS, DEFAULTS.logLevel);
  }
  const otel = src.envValue('OTEL_LOG_LEVEL');
  if (otel === undefined) return DEFAULTS.logLevel;
  return OTEL_LOG_LEVELS[parseEnum('OTEL_LOG_LEVEL', otel, Object.keys(OTEL_LOG_LEVELS))];
}
