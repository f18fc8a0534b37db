import { ConfigError } from './config-error';

/** Accepted spellings of booleans in environment variables. */
const TRUE = new Set(['true', '1']);
const FALSE = new Set(['false', '0']);
export const BOOLEAN_ACCEPTED = 'true, false, 1 or 0';

export function parseBoolean(setting: string, raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new ConfigError(setting, `${JSON.stringify(raw)} is not a boolean; use ${BOOLEAN_ACCEPTED}`);
}

export function parseEnum<T extends string>(setting: string, raw: string, accepted: readonly T[]): T {
  const v = raw.trim().toLowerCase();
  const found = accepted.find((a) => a === v);
  if (found === undefined) {
    throw new ConfigError(setting, `${JSON.stringify(raw)} is not accepted; use one of ${accepted.join(', ')}`);
  }
  return found;
}

export function parseNumber(setting: string, raw: string, min: number, max: number): number {
  const v = raw.trim();
  const n = /^[+]?(\d+(\.\d*)?|\.\d+)$/.test(v) ? Number(v) : Number.NaN;
  return checkRange(setting, n, min, max, JSON.stringify(raw));
}

export function checkRange(setting: string, n: number, min: number, max: number, shown = String(n)): number {
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new ConfigError(setting, `${shown} is not accepted; use a number from ${min} to ${max}`);
  }
  return n;
}

const UNITS: Readonly<Record<string, number>> = {
  '': 1, b: 1,
  k: 1024, kb: 1024, kib: 1024,
  m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3,
};
export const BYTES_ACCEPTED = 'a byte count, alone or with a 1024-based unit: 524288, 512KiB, 8MiB, 1GiB';

/** `8388608`, `8MiB`, `8M`, `512k`: units are powers of 1024. */
export function parseBytes(setting: string, raw: string, min: number, max: number): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = m && Object.hasOwn(UNITS, m[2].toLowerCase()) ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new ConfigError(setting, `${JSON.stringify(raw)} is not a size; use ${BYTES_ACCEPTED}`);
  }
  return checkBytes(setting, Math.floor(Number(m[1]) * unit), min, max, JSON.stringify(raw));
}

export function checkBytes(setting: string, n: number, min: number, max: number, shown = String(n)): number {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(setting, `${shown} is not accepted; use a size from ${formatBytes(min)} to ${formatBytes(max)}`);
  }
  return n;
}

export function formatBytes(n: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (n >= size && n % size === 0) return `${n / size}${unit}`;
  }
  return `${n} bytes`;
}

/**
 * `k=v,k2=v2`, the W3C-baggage-like list the OTel variables use. Values are
 * percent-decoded when `decode` is set. Throws on an entry without `=`;
 * with `secret` set, the error quotes nothing of the text.
 */
export function parseKeyValueList(
  setting: string,
  raw: string,
  options: { readonly decode: boolean; readonly secret?: boolean },
): [string, string][] {
  const out: [string, string][] = [];
  raw.split(',').forEach((part, i) => {
    if (part.trim() === '') return;
    const eq = part.indexOf('=');
    const shown = options.secret ? `entry ${i + 1}` : JSON.stringify(part.trim());
    if (eq <= 0) {
      throw new ConfigError(setting, `${shown} is not key=value; use key=value pairs separated by commas`);
    }
    let value = part.slice(eq + 1).trim();
    if (options.decode) {
      try {
        value = decodeURIComponent(value);
      } catch {
        throw new ConfigError(setting, `${shown} has a broken percent-encoding`);
      }
    }
    out.push([part.slice(0, eq).trim(), value]);
  });
  return out;
}
