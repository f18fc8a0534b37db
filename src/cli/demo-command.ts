import * as fs from 'node:fs';
import * as path from 'node:path';
import { start } from '../api/start';
import { DEMO_ENDPOINTS, startDemoService } from '../demo/demo-service';
import { driveLoad } from '../demo/load-driver';
import { INDEX_FILE } from '../export/directory-index';
import { formatSpanTable, writeReport } from '../report';
import { numberFlag, parseCommand } from './parse';
import { progressBar } from './progress-bar';
import { setUpDemoTracing } from './demo-otel';
import { CommandError } from './usage-error';

export const DEMO_HELP = `Usage: spanprof demo [--seconds N] [--out DIR] [--concurrency N]

Starts a small HTTP service with OpenTelemetry spans on 127.0.0.1, drives
load at its endpoints, profiles it with span labels, and writes the profiles
and an HTML report to DIR. No Pyroscope server is needed.

Options:
  --seconds N       how long to drive load (default 10, 1 to 600)
  --out DIR         where profiles and report.html go (default ./spanprof-demo)
  --concurrency N   requests in flight (default 8, 1 to 256)
  -h, --help        this help
`;

/** Clears profiles of an earlier demo run; refuses a folder that is not ours. */
function prepareOutDir(dir: string): void {
  if (!fs.existsSync(dir)) return;
  const entries = fs.readdirSync(dir);
  if (entries.length === 0) return;
  if (!entries.includes(INDEX_FILE)) {
    throw new CommandError(`spanprof demo: ${dir} is not empty and holds no spanprof profiles; choose another --out`);
  }
  for (const name of entries) {
    if (/\.(pb\.gz|json|html)$/.test(name)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

export async function runDemo(argv: string[]): Promise<void> {
  const { values } = parseCommand('demo', argv, {
    seconds: { type: 'string' },
    out: { type: 'string' },
    concurrency: { type: 'string' },
  });
  const seconds = numberFlag('demo', 'seconds', values.seconds as string | undefined, 10, 1, 600);
  const concurrency = Math.round(
    numberFlag('demo', 'concurrency', values.concurrency as string | undefined, 8, 1, 256),
  );
  const out = path.resolve((values.out as string | undefined) ?? 'spanprof-demo');
  prepareOutDir(out);

  const tracing = setUpDemoTracing();
  const profiler = start({
    serviceName: 'spanprof-demo',
    outputDir: out,
    windowSeconds: Math.min(10, Math.max(1, seconds / 4)),
  });
  if (!profiler.enabled) throw new CommandError(`spanprof demo: profiling is off: ${profiler.disabledReason}`);
  const server = await startDemoService(tracing.tracer);
  const port = (server.address() as { port: number }).port;
  process.stderr.write(`demo service on http://127.0.0.1:${port}, endpoints ${DEMO_ENDPOINTS.map((e) => e.path).join(' ')}\n`);
  const bar = progressBar('load');
  const load = await driveLoad({
    port,
    paths: DEMO_ENDPOINTS.map((e) => e.path),
    seconds,
    concurrency,
    onProgress: (f, n) => bar(f, `${n} requests`),
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await profiler.stop(10_000);
  await tracing.shutdown();

  const stats = profiler.stats();
  process.stdout.write(
    `\n${load.requests} requests (${load.errors} failed) in ${seconds} s; ` +
      `${stats.profiler?.samples ?? 0} samples in ${stats.profiler?.windows ?? 0} windows, ` +
      `${stats.exporter?.sent ?? 0} written, ${stats.exporter?.dropped ?? 0} dropped\n\n`,
  );
  process.stdout.write(formatSpanTable(out, { functions: 3 }));
  const report = writeReport(out);
  process.stdout.write(`\nprofiles: ${out}\nreport:   ${report.file}\n`);
  if (load.errors > 0) throw new CommandError(`spanprof demo: ${load.errors} demo requests failed`);
}
