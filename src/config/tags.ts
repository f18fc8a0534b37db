import { ConfigError } from './config-error';
import { parseKeyValueList } from './parse-values';
import { MAX_LABEL_VALUE } from './service-name';
import type { SettingSources } from './setting-sources';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels spanprof sets itself; a tag may not take their names. */
const RESERVED_TAGS = new Set(['service_name', 'span_id', 'trace_id', 'span_name', 'profile_id']);

/** Static series labels, checked against Pyroscope's label rules and the legacy name syntax. */
export function tagsSetting(src: SettingSources): Record<string, string> {
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
    if (typeof value !== 'string' || value === '' || Buffer.byteLength(value, 'utf8') > MAX_LABEL_VALUE || /[{},=]/.test(value)) {
      throw new ConfigError(from, `the value of tag ${key} is not accepted; use 1 to ${MAX_LABEL_VALUE} characters, counted in UTF-8 bytes, without { } , =`);
    }
    if (Object.hasOwn(tags, key)) throw new ConfigError(from, `tag ${key} is given twice`);
    tags[key] = value;
  }
  return tags;
}
