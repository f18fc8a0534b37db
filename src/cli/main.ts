#!/usr/bin/env node
import { ConfigError } from '../config/config-error';
import { isReportError } from '../report';
import { DEMO_HELP, runDemo } from './demo-command';
import { REPORT_HELP, TOP_HELP, runReport, runTop } from './report-commands';
import { CommandError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error';

const HELP = `Usage: spanprof <command> [options]

Span profiles for Node.js: CPU samples labelled with the OpenTelemetry span
that ran them.

Commands:
  demo     profile a demo HTTP service and write an HTML report
  report   write an HTML flame-graph report from a profile directory
  top      print the hottest functions of a profile directory
  help     this help, or \`spanprof help <command>\`

Options:
  --version  print spanprof's version

Profile your own app with no code change:
  node --import spanprof/register app.js

Exit codes: 0 success, 1 the command failed (a missing or unreadable
profile directory, a span or label no sample carries), 2 the command was
called wrongly (an unknown command or option, a bad value).
`;

/** What a report error says about the call: only a contradictory selection is a wrong call. */
function reportExitCode(code: string): number {
  return code === 'bad-selection' ? EXIT_USAGE : EXIT_FAILURE;
}

function packageVersion(): string {
  // dist/cli/main.js → the package's own package.json.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../package.json') as { version: string }).version;
}

const COMMANDS: Record<string, { help: string; run: (argv: string[]) => void | Promise<void> }> = {
  demo: { help: DEMO_HELP, run: runDemo },
  report: { help: REPORT_HELP, run: runReport },
  top: { help: TOP_HELP, run: runTop },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    process.stdout.write(topic && COMMANDS[topic] ? COMMANDS[topic].help : HELP);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`spanprof: unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(command.help);
    return EXIT_OK;
  }
  try {
    await command.run(rest);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${command.help}`);
      return EXIT_USAGE;
    }
    if (err instanceof CommandError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_FAILURE;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`spanprof ${name}: ${err.message}\n`);
      return EXIT_FAILURE;
    }
    if (isReportError(err)) {
      process.stderr.write(`spanprof ${name}: ${err.message}\n`);
      return reportExitCode(err.code);
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`spanprof: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = EXIT_FAILURE;
  },
);
