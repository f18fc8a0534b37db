import { randomUUID } from 'node:crypto';
import { FormData } from 'undici';
import type { EncodedProfile, EncodedWindow } from '../pprof/encoded-window';
import { basicCredentials } from '../log/redact';
import type { PyroscopeTarget } from '../config/pyroscope-target';

export const PUSH_PATH = '/push.v1.PusherService/Push';
export const INGEST_PATH = '/ingest';

/** One HTTP request of an upload, ready for undici. */
export interface UploadRequest {
  /** Path and query, appended to the server address. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** A function, so a retry gets a fresh body (a FormData stream is read once). */
  readonly body: () => string | Buffer | FormData;
  /** For logs: which profiles this request carries. */
  readonly what: string;
}

/** Headers every request carries: auth, tenant, then the user's extras. */
export function commonHeaders(target: PyroscopeTarget): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': 'spanprof' };
  if (target.auth?.kind === 'bearer') headers.authorization = `Bearer ${target.auth.token}`;
  if (target.auth?.kind === 'basic') {
    headers.authorization = `Basic ${basicCredentials(target.auth.user, target.auth.password)}`;
  }
  if (target.tenantId) headers['x-scope-orgid'] = target.tenantId;
  for (const [k, v] of Object.entries(target.headers)) headers[k.toLowerCase()] = v;
  return headers;
}

/** Series labels of one profile: `__name__`, `service_name`, then tags. */
export function seriesLabels(target: PyroscopeTarget, profile: EncodedProfile): { name: string; value: string }[] {
  return [
    { name: '__name__', value: profile.seriesName },
    { name: 'service_name', value: target.serviceName },
    ...Object.entries(target.tags).map(([name, value]) => ({ name, value })),
  ];
}

/**
 * The requests that upload one window.
 *
 * Push sends every profile of the window in one Connect unary call, encoded
 * as JSON with base64 `rawProfile`: Pyroscope's Connect handlers take JSON as
 * well as protobuf, and JSON needs no protobuf code for three small messages
 * (the cost is a third more bytes on the wire for the profile).
 *
 * Ingest sends one request per profile, the profile as the multipart field
 * `profile`; Pyroscope names the series from the profile's sample types.
 */
export function uploadRequests(target: PyroscopeTarget, window: EncodedWindow): UploadRequest[] {
  return target.protocol === 'push' ? [pushRequest(target, window)] : ingestRequests(target, window);
}

function pushRequest(target: PyroscopeTarget, window: EncodedWindow): UploadRequest {
  const series = window.profiles.map((profile) => ({
    labels: seriesLabels(target, profile),
    samples: [{ rawProfile: profile.gzip.toString('base64'), ID: randomUUID() }],
  }));
  const body = JSON.stringify({ series });
  return {
    path: PUSH_PATH,
    headers: {
      ...commonHeaders(target),
      'content-type': 'application/json',
      'connect-protocol-version': '1',
      'connect-timeout-ms': String(target.timeoutMs),
    },
    body: () => body,
    what: window.profiles.map((p) => p.seriesName).join('+'),
  };
}

/** `service{k=v,...}`: the legacy application name with tags. */
export function ingestName(target: PyroscopeTarget): string {
  const tags = Object.entries(target.tags).map(([k, v]) => `${k}=${v}`);
  return tags.length > 0 ? `${target.serviceName}{${tags.join(',')}}` : target.serviceName;
}

function ingestRequests(target: PyroscopeTarget, window: EncodedWindow): UploadRequest[] {
  const query = new URLSearchParams({
    name: ingestName(target),
    from: String(window.startEpochNs / 1_000_000_000n),
    until: String((window.endEpochNs + 999_999_999n) / 1_000_000_000n),
    format: 'pprof',
    // Pyroscope shows a language by spy name; this is the Node.js one.
    spyName: 'nodespy',
    sampleRate: '100',
  });
  return window.profiles.map((profile) => ({
    path: `${INGEST_PATH}?${query.toString()}`,
    headers: commonHeaders(target),
    body: () => {
      const form = new FormData();
      form.append('profile', new Blob([profile.gzip], { type: 'application/octet-stream' }), 'profile.pb.gz');
      return form;
    },
    what: profile.seriesName,
  }));
}
