export { resolveConfig } from './resolve-config';
export { ConfigError } from './config-error';
export { OPTIONS_TABLE, DEFAULTS, LIMITS, optionsTableMarkdown, type OptionRow } from './options-table';
export {
  LABEL_SCOPES,
  UPLOAD_PROTOCOLS,
  type LabelScope,
  type SpanprofOptions,
  type SpanprofConfig,
  type PyroscopeOutput,
  type DirectoryOutput,
} from './types';
