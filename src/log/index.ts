/** spanprof's log lines: levels, redaction, and the app's OpenTelemetry diag logger when it set one. */
export {
  createStderrLogger,
  redactingLogger,
  silentLogger,
  LOG_LEVELS,
  type Logger,
  type LogLevel,
  type StderrLoggerOptions,
} from './logger';
export { createRedactor, REDACTED, type Redactor } from './redact';
