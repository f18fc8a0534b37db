import { rootCertificates } from 'node:tls';
import { Agent, EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import type { PyroscopeTarget } from '../config/pyroscope-target';
import type { UploadRequest } from './pyroscope-requests';
import { parseRetryAfter } from './backoff';

/** How one request ended. */
export type UploadOutcome =
  | { readonly kind: 'ok' }
  /** Worth trying again: network error, timeout, 408, 429 or 5xx. */
  | { readonly kind: 'retry'; readonly reason: string; readonly status?: number; readonly retryAfterMs?: number }
  /** The server refused it; the same request would be refused again. */
  | { readonly kind: 'reject'; readonly reason: string; readonly status?: number }
  /** Stopped by shutdown. */
  | { readonly kind: 'cancelled' };

/** Sends requests to one server. `send` never throws. */
export interface HttpUploader {
  send(upload: UploadRequest, cancel: AbortSignal): Promise<UploadOutcome>;
  /** Closes every socket at once. */
  destroy(): Promise<void>;
}

/** How much of an error response to read for its message. */
const MAX_ERROR_BODY = 2048;

/** TLS failures that retrying cannot fix: the certificate is not trusted. */
const TLS_TRUST_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A proxy variable as curl reads it: the lower-case name first; blank is unset. */
function proxyVariable(name: string): string | undefined {
  for (const value of [process.env[name.toLowerCase()], process.env[name]]) {
    if (value !== undefined && value.trim() !== '') return value.trim();
  }
  return undefined;
}

export function createHttpUploader(target: PyroscopeTarget): HttpUploader {
  const tls = {
    timeout: target.timeoutMs,
    // A custom CA is added to the system's list, not put in its place.
    ...(target.ca ? { ca: [...rootCertificates, target.ca.toString()] } : {}),
  };
  const options = { headersTimeout: target.timeoutMs, bodyTimeout: target.timeoutMs, keepAliveTimeout: 30_000 };
  // With a proxy variable set, uploads go through it as curl's would,
  // NO_PROXY included. The variables are read once, here: undici would
  // otherwise read NO_PROXY again at each request. Through a tunnel, the
  // server's TLS settings are `requestTls`; `connect` is the direct ones.
  const httpProxy = proxyVariable('HTTP_PROXY');
  const httpsProxy = proxyVariable('HTTPS_PROXY');
  const agent: Dispatcher =
    httpProxy !== undefined || httpsProxy !== undefined
      ? new EnvHttpProxyAgent({
          ...options,
          connect: tls,
          requestTls: tls,
          ...(httpProxy !== undefined ? { httpProxy } : {}),
          ...(httpsProxy !== undefined ? { httpsProxy } : {}),
          noProxy: proxyVariable('NO_PROXY') ?? '',
        })
      : new Agent({ ...options, connect: tls });
  const base = target.serverAddress;

  async function send(upload: UploadRequest, cancel: AbortSignal): Promise<UploadOutcome> {
    if (cancel.aborted) return { kind: 'cancelled' };
    const signal = AbortSignal.any([cancel, AbortSignal.timeout(target.timeoutMs)]);
    try {
      const response = await request(base + upload.path, {
        method: 'POST',
        headers: upload.headers,
        body: upload.body(),
        dispatcher: agent,
        signal,
      });
      const status = response.statusCode;
      if (status >= 200 && status < 300) {
        await response.body.dump().catch(() => undefined);
        return { kind: 'ok' };
      }
      const message = await errorMessage(response.body).catch(() => '');
      const reason = `HTTP ${status}${message ? `: ${message}` : ''}`;
      if (status === 408 || status === 429 || status >= 500) {
        return { kind: 'retry', reason, status, retryAfterMs: parseRetryAfter(response.headers['retry-after']) };
      }
      return { kind: 'reject', reason, status };
    } catch (err) {
      if (cancel.aborted) return { kind: 'cancelled' };
      return classifyError(err, signal.aborted, target.timeoutMs);
    }
  }

  return {
    send,
    destroy: () => agent.destroy().catch(() => undefined),
  };
}

function classifyError(err: unknown, timedOut: boolean, timeoutMs: number): UploadOutcome {
  if (timedOut) return { kind: 'retry', reason: `no answer within ${timeoutMs} ms` };
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code;
  const message = e?.cause?.message ?? e?.message ?? String(err);
  if (code && TLS_TRUST_ERRORS.has(code)) {
    return { kind: 'reject', reason: `TLS: ${message} (trust the server's CA with SPANPROF_CA_FILE)` };
  }
  return { kind: 'retry', reason: code && !message.includes(code) ? `${code}: ${message}` : message };
}

/** The server's own words: Connect's JSON `message`, else the start of the body. */
async function errorMessage(body: AsyncIterable<Buffer | Uint8Array> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(Buffer.from(chunk));
    size += chunk.length;
    if (size >= MAX_ERROR_BODY) {
      body.destroy();
      break;
    }
  }
  const text = Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY).toString('utf8').trim();
  try {
    const parsed = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof parsed.message === 'string') {
      return typeof parsed.code === 'string' ? `${parsed.code}: ${parsed.message}` : parsed.message;
    }
  } catch {
    // Not JSON: plain text from a proxy or the legacy endpoint.
  }
  return text.replace(/\s+/g, ' ').slice(0, 300);
}
