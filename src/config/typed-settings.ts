import { ConfigError } from './config-error';
import { checkBytes, checkRange, parseBoolean, parseBytes, parseEnum, parseNumber } from './parse-values';
import type { SettingSources } from './setting-sources';

/*
 * Readers of one setting each: the code option if set, else its variable,
 * else the fallback. Errors name whichever of the two was at fault.
 */

export type Limits = { readonly min: number; readonly max: number };

export function stringSetting(
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

export function boolSetting(src: SettingSources, key: 'wall' | 'sourceMaps' | 'traceIdLabel', envName: string, fallback: boolean): boolean {
  const fromCode = src.option(key, 'boolean');
  if (fromCode !== undefined) return fromCode;
  const raw = src.envValue(envName);
  return raw === undefined ? fallback : parseBoolean(envName, raw);
}

export function enumSetting<T extends string>(
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

export function numberSetting(
  src: SettingSources,
  key: 'uploadTimeoutSeconds' | 'windowSeconds' | 'maxLabelSets' | 'outputMaxWindows',
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

/** numberSetting for a count: the same limits from code and environment, and a whole number. */
export function integerSetting(
  src: SettingSources,
  key: 'maxLabelSets' | 'outputMaxWindows',
  envName: string,
  limits: Limits,
  fallback: number,
): number {
  const value = numberSetting(src, key, envName, limits, limits, fallback);
  if (!Number.isInteger(value)) {
    const from = src.option(key, 'number') !== undefined ? `options.${key}` : envName;
    throw new ConfigError(from, `must be an integer from ${limits.min} to ${limits.max}; got ${value}`);
  }
  return value;
}

export function bytesSetting(
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
