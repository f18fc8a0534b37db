import { registeredDiag } from './otel-diag';
import type { Redactor } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** What spanprof logs through. Messages are single lines, already redacted. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

export interface StderrLoggerOptions {
  /** The lowest level written. Default 'warn'. */
  readonly level?: LogLevel;
  /** Applied to every message before it is written. */
  readonly redact?: Redactor;
  /** Where lines go; default process.stderr. */
  readonly write?: (line: string) => void;
  /** Send lines to the app's OpenTelemetry diag logger when it has one. Default: when no `write` is given. */
  readonly diag?: boolean;
}

/**
 * The default logger: one line per message, `spanprof: <level>: <text>`, on
 * stderr; or `spanprof: <text>` to the app's diag logger, which is where
 * an app that set one wants OpenTelemetry's components to speak. A failing
 * stderr or diag logger never throws into the caller.
 */
export function createStderrLogger(options: StderrLoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? 'warn'];
  const redact = options.redact ?? ((s: string) => s);
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const useDiag = options.diag ?? options.write === undefined;
  const log = (level: Exclude<LogLevel, 'silent'>) => (message: string) => {
    if (RANK[level] < threshold) return;
    try {
      const oneLine = redact(message).replace(/\s*[\r\n]+\s*/g, ' ');
      const diag = useDiag ? registeredDiag() : undefined;
      if (diag) diag[level](`spanprof: ${oneLine}`);
      else write(`spanprof: ${level}: ${oneLine}\n`);
    } catch {
      // Logging must not be why the app fails.
    }
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that passes every message through `redact` to another logger. */
export function redactingLogger(inner: Logger, redact: Redactor): Logger {
  return {
    debug: (m) => inner.debug(redact(m)),
    info: (m) => inner.info(redact(m)),
    warn: (m) => inner.warn(redact(m)),
    error: (m) => inner.error(redact(m)),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
