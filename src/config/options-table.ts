import { BOOLEAN_ACCEPTED, BYTES_ACCEPTED } from './parse-values';

/** Defaults, in one place for the code and the table below. */
export const DEFAULTS = {
  serviceName: 'unknown_service:node',
  outputDir: 'spanprof-profiles',
  outputMaxBytes: 256 * 1024 ** 2,
  outputMaxWindows: 10_000,
  maxQueueBytes: 8 * 1024 ** 2,
  windowSeconds: 10,
  uploadTimeoutSeconds: 10,
  uploadProtocol: 'push',
  spanIdScope: 'root',
  spanNameScope: 'root',
  logLevel: 'warn',
  maxLabelSets: 100,
} as const;

/** Limits on numbers; windows under 1 s are for code only (tests, demos). */
export const LIMITS = {
  windowSeconds: { min: 1, max: 60 },
  windowSecondsFromCode: { min: 0.1, max: 60 },
  uploadTimeoutSeconds: { min: 0.1, max: 300 },
  maxQueueBytes: { min: 64 * 1024, max: 1024 ** 3 },
  outputMaxBytes: { min: 1024 ** 2, max: 1024 ** 4 },
  outputMaxWindows: { min: 1, max: 1_000_000 },
  maxLabelSets: { min: 1, max: 100_000 },
} as const;

export interface OptionRow {
  /** The field of SpanprofOptions. */
  readonly option: string;
  /** Environment variables read for it, strongest first. */
  readonly env: readonly string[];
  readonly default: string;
  readonly accepted: string;
  readonly description: string;
}

/**
 * Every setting: an option passed in code wins over its environment
 * variables, which win over the default. Profiling is off if any source
 * turns it off.
 */
export const OPTIONS_TABLE: readonly OptionRow[] = [
  {
    option: 'enabled',
    env: ['SPANPROF_ENABLED', 'OTEL_SDK_DISABLED'],
    default: 'true',
    accepted: `${BOOLEAN_ACCEPTED}; OTEL_SDK_DISABLED takes true or false`,
    description:
      'Turns profiling on or off. Any source can turn it off: enabled: false, SPANPROF_ENABLED=false or OTEL_SDK_DISABLED=true. When off, no other setting is read.',
  },
  {
    option: 'serviceName',
    env: ['OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES', 'PYROSCOPE_APPLICATION_NAME'],
    default: DEFAULTS.serviceName,
    accepted: 'a non-empty name of up to 2048 bytes of UTF-8; OTEL_RESOURCE_ATTRIBUTES gives it as service.name=...',
    description:
      "The `service_name` label. It must match the traces' service.name for Tempo to find a span's profile, so the OpenTelemetry names come first.",
  },
  {
    option: 'serverAddress',
    env: ['PYROSCOPE_SERVER_ADDRESS'],
    default: 'none: profiles go to the output directory',
    accepted: 'an http or https URL, optionally with a path prefix; user:password@ in it is Basic auth',
    description: 'The Pyroscope server (or Grafana Alloy, or Grafana Cloud Profiles) to upload to.',
  },
  {
    option: 'authToken',
    env: ['PYROSCOPE_AUTH_TOKEN'],
    default: 'none',
    accepted: 'a token; not with Basic auth',
    description: 'Sent as `Authorization: Bearer <token>`. Never logged.',
  },
  {
    option: 'basicAuthUser',
    env: ['PYROSCOPE_BASIC_AUTH_USER'],
    default: 'none',
    accepted: 'a user name, with a password',
    description: 'Basic auth user; for Grafana Cloud, the stack user id.',
  },
  {
    option: 'basicAuthPassword',
    env: ['PYROSCOPE_BASIC_AUTH_PASSWORD'],
    default: 'none',
    accepted: 'a password, with a user name',
    description: 'Basic auth password; for Grafana Cloud, an access policy token. Never logged.',
  },
  {
    option: 'tenantId',
    env: ['PYROSCOPE_TENANT_ID'],
    default: 'none',
    accepted: 'a tenant id',
    description: 'Sent as `X-Scope-OrgID`, for a multi-tenant Pyroscope.',
  },
  {
    option: 'headers',
    env: ['SPANPROF_HEADERS'],
    default: 'none',
    accepted: 'Name=value pairs separated by commas, values percent-encoded',
    description: 'Extra headers on every upload. Their values are treated as secrets.',
  },
  {
    option: 'caFile',
    env: ['SPANPROF_CA_FILE'],
    default: 'none',
    accepted: 'the path of a PEM file of CA certificates (in code, `ca` takes the PEM text)',
    description: "CA certificates to trust for https uploads, besides the system's.",
  },
  {
    option: 'uploadProtocol',
    env: ['SPANPROF_UPLOAD_PROTOCOL'],
    default: DEFAULTS.uploadProtocol,
    accepted: 'push or ingest',
    description:
      '`push`: POST /push.v1.PusherService/Push (Connect), one request per window. `ingest`: the older POST /ingest, one request per profile.',
  },
  {
    option: 'uploadTimeoutSeconds',
    env: ['SPANPROF_UPLOAD_TIMEOUT_SECONDS'],
    default: String(DEFAULTS.uploadTimeoutSeconds),
    accepted: `a number from ${LIMITS.uploadTimeoutSeconds.min} to ${LIMITS.uploadTimeoutSeconds.max}`,
    description: 'Limit on each upload request, from connecting to the last byte of the answer.',
  },
  {
    option: 'maxQueueBytes',
    env: ['SPANPROF_MAX_QUEUE_BYTES'],
    default: '8MiB',
    accepted: `${BYTES_ACCEPTED}; from 64KiB to 1GiB`,
    description: 'Bound on windows waiting to be uploaded or written. When full, the oldest is dropped and counted.',
  },
  {
    option: 'tags',
    env: ['SPANPROF_TAGS'],
    default: 'none',
    accepted:
      'key=value pairs separated by commas; keys [a-zA-Z_][a-zA-Z0-9_]* not starting with __ nor service_name, span_id, trace_id, span_name; values without { } , =',
    description: 'Static series labels on every profile, such as env=prod,region=eu.',
  },
  {
    option: 'outputDir',
    env: ['SPANPROF_OUTPUT_DIR'],
    default: `./${DEFAULTS.outputDir} (from the working directory)`,
    accepted: 'a directory path; created if missing',
    description:
      'Where windows are written as *.pb.gz with an index.json, when no server address is set. Set together with a server address, profiles go to both.',
  },
  {
    option: 'outputMaxBytes',
    env: ['SPANPROF_OUTPUT_MAX_BYTES'],
    default: '256MiB',
    accepted: `${BYTES_ACCEPTED}; from 1MiB to 1024GiB`,
    description: 'Bound on the output directory; the oldest windows are removed first.',
  },
  {
    option: 'outputMaxWindows',
    env: ['SPANPROF_OUTPUT_MAX_WINDOWS'],
    // Plain digits: toLocaleString would read ICU's data, megabytes of the node binary made resident for a comma.
    default: String(DEFAULTS.outputMaxWindows),
    accepted: `an integer from ${LIMITS.outputMaxWindows.min} to ${LIMITS.outputMaxWindows.max}`,
    description:
      'Bound on the windows in the output directory (about 28 hours of 10 s windows); the oldest are removed first. spanprof keeps about 250 bytes for each window listed.',
  },
  {
    option: 'windowSeconds',
    env: ['SPANPROF_WINDOW_SECONDS'],
    default: String(DEFAULTS.windowSeconds),
    accepted: `a number from ${LIMITS.windowSeconds.min} to ${LIMITS.windowSeconds.max}; from code, down to ${LIMITS.windowSecondsFromCode.min} for tests`,
    description: 'Length of a profile window: one upload, or one file, per window.',
  },
  {
    option: 'spanIdScope',
    env: ['SPANPROF_SPAN_ID_SCOPE'],
    default: DEFAULTS.spanIdScope,
    accepted: 'root, all or none',
    description:
      '`root`: samples carry the local root span id (what Tempo links to); `all`: the innermost active span; `none`: no span ids.',
  },
  {
    option: 'spanNameScope',
    env: ['SPANPROF_SPAN_NAME_SCOPE'],
    default: DEFAULTS.spanNameScope,
    accepted: 'root, all or none',
    description:
      'Which span names label samples. Pyroscope makes span_name a series label: keep span names low in cardinality, or use none.',
  },
  {
    option: 'traceIdLabel',
    env: ['SPANPROF_TRACE_ID_LABEL'],
    default: 'false with a server address, else true',
    accepted: BOOLEAN_ACCEPTED,
    description:
      "Label samples with `trace_id` too. Tempo's link needs only span_id, and Pyroscope before 2.1.0 makes every trace_id a series of its own " +
      "(past the tenant's series limit, uploads are refused with 429), so uploads leave it out; the local report shows each span's trace. " +
      "Each trace_id is 32 random hex digits: it adds about 40% to a window's gzip'd bytes.",
  },
  {
    option: 'maxLabelSets',
    env: ['SPANPROF_MAX_LABEL_SETS'],
    default: String(DEFAULTS.maxLabelSets),
    accepted: `an integer from ${LIMITS.maxLabelSets.min} to ${LIMITS.maxLabelSets.max}`,
    description:
      'Most distinct custom label sets (withLabels) entered per window; past it, further sets are left out and counted. Each set is a Pyroscope series.',
  },
  {
    option: 'wall',
    env: ['SPANPROF_WALL'],
    default: 'false',
    accepted: BOOLEAN_ACCEPTED,
    description: 'Also send a wall-clock profile (`__name__=wall`), idle time included.',
  },
  {
    option: 'sourceMaps',
    env: ['SPANPROF_SOURCE_MAPS'],
    default: 'true',
    accepted: BOOLEAN_ACCEPTED,
    description:
      'Show TypeScript and bundled code as the user wrote it: frames are mapped through source maps ' +
      '(next to the script, inline, or kept by --enable-source-maps) before encoding; a map over 512 KiB, ' +
      'or any kept by Node, is read on a helper thread. spanprof\'s own frames, and those of the packages it ' +
      'encodes with, keep their generated locations. Paths are shown relative to the working directory either way.',
  },
  {
    option: 'logLevel',
    env: ['SPANPROF_LOG_LEVEL', 'OTEL_LOG_LEVEL'],
    default: DEFAULTS.logLevel,
    accepted: 'debug, info, warn, error or silent; OTEL_LOG_LEVEL takes NONE, ERROR, WARN, INFO, DEBUG, VERBOSE or ALL',
    description:
      "The lowest level of spanprof's log lines. They go to stderr, or to OpenTelemetry's diag logger when the app has set one (diag.setLogger).",
  },
];

/** The table as Markdown, for the README. */
export function optionsTableMarkdown(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const rows = OPTIONS_TABLE.map(
    (r) =>
      `| \`${r.option}\` | ${r.env.map((e) => `\`${e}\``).join('<br>')} | ${esc(r.default)} | ${esc(r.accepted)} | ${esc(r.description)} |`,
  );
  return [
    '| Option | Environment | Default | Accepted | Description |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
