import { ConfigError } from './config-error';
import { DEFAULTS } from './options-table';
import { parseKeyValueList } from './parse-values';
import type { SettingSources } from './setting-sources';

/** Pyroscope's default bound on label values, in UTF-8 bytes. */
export const MAX_LABEL_VALUE = 2048;

/**
 * The `service_name` label: code, then OTEL_SERVICE_NAME, then service.name
 * in OTEL_RESOURCE_ATTRIBUTES, then PYROSCOPE_APPLICATION_NAME. The OTel
 * names come first because Tempo finds a span's profile by the traces'
 * service.name; a differing Pyroscope name is reported in `warnings`.
 */
export function serviceName(src: SettingSources, warnings: string[]): { name: string; from: string } {
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
  if (name.length === 0 || Buffer.byteLength(name, 'utf8') > MAX_LABEL_VALUE) {
    throw new ConfigError(from, `the service name must have 1 to ${MAX_LABEL_VALUE} characters, counted in UTF-8 bytes`);
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
export function resourceServiceName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const pairs = parseKeyValueList('OTEL_RESOURCE_ATTRIBUTES', raw, { decode: true });
  const value = pairs.find(([k]) => k === 'service.name')?.[1];
  return value === undefined || value.trim() === '' ? undefined : value;
}
