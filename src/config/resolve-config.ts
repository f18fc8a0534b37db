import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LOG_LEVELS } from '../export/logger';
import type { PyroscopeAuth } from '../export/pyroscope-target';
import { ConfigError } from './config-error';
import { DEFAULTS, LIMITS } from './options-table';
import {
  checkBytes,
  checkRange,
  parseBoolean,
  parseBytes,
  parseEnum,
  parseKeyValueList,
  parseNumber,
} from './parse-values';
import { SettingSources } from './setting-sources';
import {
  LABEL_SCOPES,
  UPLOAD_PROTOCOLS,
  type SpanprofConfig,
  type SpanprofOptions,
} from './types';

type Env = Readonly<Record<string, string | undefined>>;
type Limits = { readonly min: number; readonly max: number };

/** Pyroscope's default bound on label values. */
const MAX_LABEL_VALUE = 2048;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels spanprof sets itself; a tag may not take their names. */
const RESERVED_TAGS = new Set(['service_name', 'span_id', 'trace_id', 'span_name', 'profile_id']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the upload sets itself. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'transfer-encoding', 'connection']);

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
  const outputDirSetting = stringSetting(src, 'outputDir', 'SPANPROF_OUTPUT_DIR');
  const outputMaxBytes = bytesSetting(src, 'outputMaxBytes', 'SPANPROF_OUTPUT_MAX_BYTES', LIMITS.outputMaxBytes, DEFAULTS.outputMaxBytes);

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
          maxQueueBytes,
        }
      : undefined;

  return {
    enabled: true,
    serviceName: service.name,
    serviceNameFrom: service.from,
    windowMs: Math.round(windowSeconds * 1000),
    spanIdScope: enumSetting(src, 'spanIdScope', 'SPANPROF_SPAN_ID_SCOPE', LABEL_SCOPES, DEFAULTS.spanIdScope),
    spanNameScope: enumSetting(src, 'spanNameScope', 'SPANPROF_SPAN_NAME_SCOPE', LABEL_SCOPES, DEFAULTS.spanNameScope),
    wall: boolSetting(src, 'wall', 'SPANPROF_WALL', false),
    sourceMaps: boolSetting(src, 'sourceMaps', 'SPANPROF_SOURCE_MAPS', false),
    logLevel: enumSetting(src, 'logLevel', 'SPANPROF_LOG_LEVEL', LOG_LEVELS, DEFAULTS.logLevel),
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
    wall: false,
    sourceMaps: false,
    logLevel: DEFAULTS.logLevel,
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

function serviceName(src: SettingSources, warnings: string[]): { name: string; from: string } {
  const fromResource = resourceServiceName(src.envValue('OTEL_RESOURCE_ATTRIBUTES'));
  const candidates: [string | undefined, string][] = [
    [src.option('serviceName', 'string'), 'options.serviceName'],
    [src.envValue('OTEL_SERVICE_NAME'), 'OTEL_SERVICE_NAME'],
    [fromResource, 'OTEL_RESOURCE_ATTRIBUTES'],
    [src.envValue('PYROSCOPE_APPLICATION_NAME'), 'PYROSCOPE_APPLICATION_NAME'],
  ];
  const found = candidates.find(([value]) => value !== undefined);
  const [raw, from] = found ?? [DEFAULTS.serviceName, 'default'];
  const name = (raw ?? '').trim();
  if (name.length === 0 || name.length > MAX_LABEL_VALUE) {
    throw new ConfigError(from, `the service name must have 1 to ${MAX_LABEL_VALUE} characters`);
  }
  const pyroscopeName = src.envValue('PYROSCOPE_APPLICATION_NAME')?.trim();
  if (pyroscopeName !== undefined && from !== 'PYROSCOPE_APPLICATION_NAME' && pyroscopeName !== name) {
    warnings.push(
      `PYROSCOPE_APPLICATION_NAME=${pyroscopeName} is not used: the service name is ${name} from ${from}, ` +
        "which matches the traces' service.name that Tempo looks profiles up by",
    );
  }
  return { name, from };
}

/** service.name from OTEL_RESOURCE_ATTRIBUTES, which must be well formed. */
function resourceServiceName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const pairs = parseKeyValueList('OTEL_RESOURCE_ATTRIBUTES', raw, { decode: true });
  const value = pairs.find(([k]) => k === 'service.name')?.[1];
  return value === undefined || value.trim() === '' ? undefined : value;
}

function serverSetting(src: SettingSources): { address: string; userInfo?: { user: string; password: string } } | undefined {
  const fromCode = src.option('serverAddress', 'string');
  const from = fromCode !== undefined ? 'options.serverAddress' : 'PYROSCOPE_SERVER_ADDRESS';
  const raw = fromCode ?? src.envValue('PYROSCOPE_SERVER_ADDRESS');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(from, 'is not a URL; use an http or https URL such as http://localhost:4040');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(from, `has scheme ${url.protocol.replace(/:$/, '')}; use an http or https URL such as http://localhost:4040`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(from, 'has a query or fragment; use the base URL of the server, optionally with a path prefix');
  }
  const userInfo =
    url.username !== ''
      ? { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
      : undefined;
  url.username = '';
  url.password = '';
  const address = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  return userInfo ? { address, userInfo } : { address };
}

function authSetting(
  src: SettingSources,
  userInfo: { user: string; password: string } | undefined,
): PyroscopeAuth | undefined {
  const token = stringSetting(src, 'authToken', 'PYROSCOPE_AUTH_TOKEN');
  const user = stringSetting(src, 'basicAuthUser', 'PYROSCOPE_BASIC_AUTH_USER');
  const password = stringSetting(src, 'basicAuthPassword', 'PYROSCOPE_BASIC_AUTH_PASSWORD');
  if (token && (user || password || userInfo)) {
    const other = user?.from ?? password?.from ?? 'credentials in PYROSCOPE_SERVER_ADDRESS';
    throw new ConfigError(token.from, `is set together with ${other}; use either a token or Basic auth, not both`);
  }
  if (token) return { kind: 'bearer', token: token.value };
  if (user && !password) {
    throw new ConfigError('PYROSCOPE_BASIC_AUTH_PASSWORD', `is needed with ${user.from}; set both or neither`);
  }
  if (password && !user) {
    throw new ConfigError('PYROSCOPE_BASIC_AUTH_USER', `is needed with ${password.from}; set both or neither`);
  }
  if (user && password) {
    if (userInfo) {
      throw new ConfigError(user.from, 'is set and PYROSCOPE_SERVER_ADDRESS has credentials too; use one of them');
    }
    if (user.value.includes(':')) throw new ConfigError(user.from, 'may not contain ":"; Basic auth cannot carry it');
    return { kind: 'basic', user: user.value, password: password.value };
  }
  return userInfo ? { kind: 'basic', ...userInfo } : undefined;
}

function tenantSetting(src: SettingSources): string | undefined {
  const tenant = stringSetting(src, 'tenantId', 'PYROSCOPE_TENANT_ID');
  if (tenant && /[\r\n]/.test(tenant.value)) throw new ConfigError(tenant.from, 'may not contain line breaks');
  return tenant?.value.trim();
}

function headersSetting(src: SettingSources): Record<string, string> {
  const fromCode = src.option('headers', 'object');
  const entries: [string, string][] =
    fromCode !== undefined
      ? Object.entries(fromCode)
      : parseKeyValueList('SPANPROF_HEADERS', src.envValue('SPANPROF_HEADERS') ?? '', { decode: true, secret: true });
  const from = fromCode !== undefined ? 'options.headers' : 'SPANPROF_HEADERS';
  const headers: Record<string, string> = {};
  // Header text may hold secrets: errors name the position, not the text.
  entries.forEach(([name, value], i) => {
    if (!HEADER_NAME.test(name)) {
      throw new ConfigError(from, `entry ${i + 1} is not a header name; use letters, digits and !#$%&'*+.^_\`|~-`);
    }
    if (RESERVED_HEADERS.has(name.toLowerCase()) || name.toLowerCase().startsWith('connect-')) {
      throw new ConfigError(from, `${name} is set by the upload itself and cannot be overridden`);
    }
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      throw new ConfigError(from, `the value of ${name} must be a string without line breaks`);
    }
    headers[name] = value;
  });
  return headers;
}

function caSetting(src: SettingSources): string | Buffer | undefined {
  const inline = src.options.ca;
  if (inline !== undefined) {
    if (typeof inline !== 'string' && !Buffer.isBuffer(inline)) {
      throw new ConfigError('options.ca', 'is not accepted; use PEM text as a string or Buffer');
    }
    checkPem('options.ca', inline.toString());
    return inline;
  }
  const file = stringSetting(src, 'caFile', 'SPANPROF_CA_FILE');
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file.value.trim(), 'utf8');
  } catch (err) {
    throw new ConfigError(file.from, `cannot read ${file.value}: ${(err as Error).message}; use the path of a PEM file`);
  }
  checkPem(file.from, text);
  return text;
}

function checkPem(from: string, text: string): void {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(from, 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  }
}

function tagsSetting(src: SettingSources): Record<string, string> {
  const fromCode = src.option('tags', 'object');
  const entries: [string, string][] =
    fromCode !== undefined
      ? Object.entries(fromCode)
      : parseKeyValueList('SPANPROF_TAGS', src.envValue('SPANPROF_TAGS') ?? '', { decode: false });
  const from = fromCode !== undefined ? 'options.tags' : 'SPANPROF_TAGS';
  const tags: Record<string, string> = {};
  for (const [key, rawValue] of entries) {
    if (!LABEL_NAME.test(key) || key.startsWith('__') || RESERVED_TAGS.has(key)) {
      throw new ConfigError(
        from,
        `${JSON.stringify(key)} is not accepted as a tag name; use [a-zA-Z_][a-zA-Z0-9_]*, not starting with __ and not one of ${[...RESERVED_TAGS].join(', ')}`,
      );
    }
    const value = typeof rawValue === 'string' ? rawValue.trim() : rawValue;
    if (typeof value !== 'string' || value === '' || value.length > MAX_LABEL_VALUE || /[{},=]/.test(value)) {
      throw new ConfigError(from, `the value of tag ${key} is not accepted; use 1 to ${MAX_LABEL_VALUE} characters without { } , =`);
    }
    if (key in tags) throw new ConfigError(from, `tag ${key} is given twice`);
    tags[key] = value;
  }
  return tags;
}

function stringSetting(
  src: SettingSources,
  key: 'authToken' | 'basicAuthUser' | 'basicAuthPassword' | 'tenantId' | 'caFile' | 'outputDir',
  envName: string,
): { value: string; from: string } | undefined {
  const fromCode = src.option(key, 'string');
  if (fromCode !== undefined) {
    if (fromCode.trim() === '') throw new ConfigError(`options.${key}`, 'is empty; leave it out or give a value');
    return { value: fromCode, from: `options.${key}` };
  }
  const raw = src.envValue(envName);
  return raw === undefined ? undefined : { value: raw, from: envName };
}

function boolSetting(src: SettingSources, key: 'wall' | 'sourceMaps', envName: string, fallback: boolean): boolean {
  const fromCode = src.option(key, 'boolean');
  if (fromCode !== undefined) return fromCode;
  const raw = src.envValue(envName);
  return raw === undefined ? fallback : parseBoolean(envName, raw);
}

function enumSetting<T extends string>(
  src: SettingSources,
  key: 'uploadProtocol' | 'spanIdScope' | 'spanNameScope' | 'logLevel',
  envName: string,
  accepted: readonly T[],
  fallback: T,
): T {
  const fromCode = src.option(key, 'string');
  if (fromCode !== undefined) return parseEnum(`options.${key}`, fromCode, accepted);
  const raw = src.envValue(envName);
  return raw === undefined ? fallback : parseEnum(envName, raw, accepted);
}

function numberSetting(
  src: SettingSources,
  key: 'uploadTimeoutSeconds' | 'windowSeconds',
  envName: string,
  envLimits: Limits,
  codeLimits: Limits,
  fallback: number,
): number {
  const fromCode = src.option(key, 'number');
  if (fromCode !== undefined) return checkRange(`options.${key}`, fromCode, codeLimits.min, codeLimits.max);
  const raw = src.envValue(envName);
  return raw === undefined ? fallback : parseNumber(envName, raw, envLimits.min, envLimits.max);
}

function bytesSetting(
  src: SettingSources,
  key: 'maxQueueBytes' | 'outputMaxBytes',
  envName: string,
  limits: Limits,
  fallback: number,
): number {
  const fromCode = src.option(key, 'number');
  if (fromCode !== undefined) return checkBytes(`options.${key}`, fromCode, limits.min, limits.max);
  const raw = src.envValue(envName);
  return raw === undefined ? fallback : parseBytes(envName, raw, limits.min, limits.max);
}

