/** Replaces secrets in text before it is logged or put in an error. */
export type Redactor = (text: string) => string;

export const REDACTED = '[redacted]';

/**
 * A redactor for the given secrets. Besides each secret as given, it hides
 * the base64 forms that travel in Basic auth headers, credentials in URLs,
 * and the value of any Authorization or Bearer text, so a message that
 * quotes a request or a server's echo of one cannot leak them.
 */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const literal = new Set<string>();
  for (const s of secrets) {
    if (s) literal.add(s);
  }
  for (const s of [...literal]) literal.add(Buffer.from(s).toString('base64'));
  // Longest first, so a secret that contains another is hidden whole.
  const ordered = [...literal].sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let out = text;
    for (const s of ordered) out = out.split(s).join(REDACTED);
    return out
      .replace(/\b(authorization\s*[:=]\s*)(basic|bearer)?\s*[^\s,;"']+/gi, `$1$2 ${REDACTED}`)
      .replace(/\b(bearer\s+)(?!\[redacted\])[^\s,;"']+/gi, `$1${REDACTED}`)
      .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]*:[^\s/@]*@/gi, `$1${REDACTED}@`);
  };
}

/** Basic auth credentials joined as the header carries them. */
export function basicCredentials(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}
