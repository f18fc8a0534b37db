/** A setting with a value spanprof cannot use. The message names it and what it accepts. */
export class ConfigError extends Error {
  constructor(
    /** The environment variable or option at fault. */
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}
