import { readFileSync } from 'node:fs';
import type { PyroscopeAuth } from './pyroscope-target';
import { ConfigError } from './config-error';
import { parseKeyValueList } from './parse-values';
import type { SettingSources } from './setting-sources';
import { stringSetting } from './typed-settings';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the upload sets itself. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'transfer-encoding', 'connection']);

export function serverSetting(src: SettingSources): { address: string; userInfo?: { user: string; password: string } } | undefined {
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

export function authSetting(
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

export function tenantSetting(src: SettingSources): string | undefined {
  const tenant = stringSetting(src, 'tenantId', 'PYROSCOPE_TENANT_ID');
  if (tenant && /[\r\n]/.test(tenant.value)) throw new ConfigError(tenant.from, 'may not contain line breaks');
  return tenant?.value.trim();
}

export function headersSetting(src: SettingSources): Record<string, string> {
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
    // defineProperty, so a header named __proto__ is kept rather than swallowed by the setter.
    Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
  });
  return headers;
}

export function caSetting(src: SettingSources): string | Buffer | undefined {
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

export function checkPem(from: string, text: string): void {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(from, 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  }
}
