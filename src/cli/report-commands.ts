import * as path from 'node:path';
import { formatTop, writeReport, type LabelFilter } from '../report';
import { numberFlag, parseCommand } from './parse';
import { UsageError } from './usage-error';

export const REPORT_HELP = `Usage: spanprof report DIR [--out FILE] [--label KEY=VALUE]

Writes one self-contained HTML file from the profiles in DIR: the spans by
name and by id, a flame graph of the service and of any selection, and search.

Options:
  --out FILE          where to write (default DIR/report.html)
  --label KEY=VALUE   only samples with this custom label (withLabels)
  -h, --help          this help
`;

export const TOP_HELP = `Usage: spanprof top DIR [--span ID | --name NAME] [--label KEY=VALUE] [--limit N]

Prints the hottest functions in the profiles in DIR.

Options:
  --span ID           only samples of this span id (16 hex)
  --name NAME         only samples of spans with this name
  --label KEY=VALUE   only samples with this custom label (withLabels)
  --limit N           rows to print (default 20)
  -h, --help          this help
`;

/** `--label KEY=VALUE` as a filter; undefined when not given. */
function labelFlag(command: string, raw: string | undefined): LabelFilter | undefined {
  if (raw === undefined) return undefined;
  const eq = raw.indexOf('=');
  const key = eq > 0 ? raw.slice(0, eq).trim() : '';
  const value = eq > 0 ? raw.slice(eq + 1) : '';
  if (key === '' || value === '') {
    throw new UsageError(`spanprof ${command}: --label takes KEY=VALUE, such as --label tenant=acme; got '${raw}'`);
  }
  return { key, value };
}

function oneDirectory(command: string, positionals: string[]): string {
  if (positionals.length === 0) throw new UsageError(`spanprof ${command}: which directory? Give the folder that holds the profiles`);
  if (positionals.length > 1) throw new UsageError(`spanprof ${command}: one directory only; got ${positionals.length}`);
  return path.resolve(positionals[0]);
}

export function runReport(argv: string[]): void {
  const { values, positionals } = parseCommand('report', argv, { out: { type: 'string' }, label: { type: 'string' } });
  const dir = oneDirectory('report', positionals);
  const out = values.out as string | undefined;
  const label = labelFlag('report', values.label as string | undefined);
  const result = writeReport(dir, out === undefined ? undefined : path.resolve(out), {
    onWarning: (m) => process.stderr.write(`spanprof report: ${m}\n`),
    label,
  });
  process.stdout.write(`${result.file}: ${result.spans} spans, ${result.samples} samples\n`);
}

export function runTop(argv: string[]): void {
  const { values, positionals } = parseCommand('top', argv, {
    span: { type: 'string' },
    name: { type: 'string' },
    label: { type: 'string' },
    limit: { type: 'string' },
  });
  const dir = oneDirectory('top', positionals);
  if (values.span !== undefined && values.name !== undefined) {
    throw new UsageError('spanprof top: give --span or --name, not both');
  }
  const limit = Math.round(numberFlag('top', 'limit', values.limit as string | undefined, 20, 1, 100_000));
  const label = labelFlag('top', values.label as string | undefined);
  process.stdout.write(
    formatTop(dir, {
      span: values.span as string | undefined,
      name: values.name as string | undefined,
      label,
      limit,
      onWarning: (m) => process.stderr.write(`spanprof top: ${m}\n`),
    }),
  );
}
