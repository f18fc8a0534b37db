/** The upload API: Connect `Push` (default) or the older `/ingest`. */
export type UploadProtocol = 'push' | 'ingest';

export type PyroscopeAuth =
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'basic'; readonly user: string; readonly password: string };

/** Where and how to upload; every field already validated. */
export interface PyroscopeTarget {
  /** Base URL, http or https, no credentials, no trailing slash; may have a path prefix. */
  readonly serverAddress: string;
  readonly protocol: UploadProtocol;
  /** The `service_name` series label. */
  readonly serviceName: string;
  /** Static series labels. */
  readonly tags: Readonly<Record<string, string>>;
  readonly auth?: PyroscopeAuth;
  /** Sent as `X-Scope-OrgID`. */
  readonly tenantId?: string;
  /** Added to every request; may hold secrets, never logged. */
  readonly headers: Readonly<Record<string, string>>;
  /** PEM certificates to trust besides the system's, for https. */
  readonly ca?: string | Buffer;
  /** Whole-request limit: connect, send, and response. */
  readonly timeoutMs: number;
}
