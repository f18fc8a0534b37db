'use strict';
// `--name N` from the command line: a positive integer, else `fallback`.
// A bad value ends the process with status 2, naming the option.
function intOption(name, fallback, argv = process.argv) {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive integer; got ${argv[i + 1]}`);
    process.exit(2);
  }
  return value;
}

module.exports = { intOption };
