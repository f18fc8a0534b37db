import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors that name the command and the flag. */
export function parseCommand(command: string, argv: string[], options: Options) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new UsageError(`spanprof ${command}: ${message.replace(/\. To specify.*$/s, '')}`);
  }
}

/** A positive number flag, or a UsageError naming it and the accepted range. */
export function numberFlag(
  command: string,
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`spanprof ${command}: --${name} must be a number from ${min} to ${max}; got '${raw}'`);
  }
  return value;
}
