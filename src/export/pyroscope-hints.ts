import type { PyroscopeTarget } from '../config/pyroscope-target';

/**
 * Pyroscope answers 429 past a per-tenant limit: ingest rate, or series
 * (5,000 by default). Series grow with label values, so say which of ours
 * multiply them.
 */
export function tooManyHint(traceIdLabel: boolean): string {
  const traceId = traceIdLabel
    ? ' Before Pyroscope 2.1.0 every trace_id is a series of its own: set SPANPROF_TRACE_ID_LABEL=false.'
    : '';
  return (
    ` The server is over a per-tenant limit (series or ingest rate).${traceId}` +
    ' span_name and withLabels values are series labels: use SPANPROF_SPAN_NAME_SCOPE=none or a lower' +
    " SPANPROF_MAX_LABEL_SETS, or raise the tenant's limits."
  );
}

/** What to check when the server refuses an upload with `status`; empty when there is nothing to say. */
export function refusalHint(status: number | undefined, target: PyroscopeTarget): string {
  switch (status) {
    case 401:
    case 403:
      return target.auth === undefined
        ? 'The server wants credentials: set PYROSCOPE_AUTH_TOKEN, or PYROSCOPE_BASIC_AUTH_USER and PYROSCOPE_BASIC_AUTH_PASSWORD. '
        : 'Check PYROSCOPE_AUTH_TOKEN or PYROSCOPE_BASIC_AUTH_USER/PYROSCOPE_BASIC_AUTH_PASSWORD, and PYROSCOPE_TENANT_ID. ';
    case 404:
    case 405:
      return `No ${target.protocol} API at this address: check PYROSCOPE_SERVER_ADDRESS and SPANPROF_UPLOAD_PROTOCOL. `;
    case 413:
      return 'The profile is larger than the server accepts. ';
    default:
      return '';
  }
}
