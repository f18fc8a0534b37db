import * as fs from 'node:fs';
import * as path from 'node:path';
import { ReportError } from './errors';
import type { LabelFilter } from './aggregate';
import { readProfiles } from './read-profiles';
import { renderReportHtml } from './render-html';

export interface WriteReportOptions {
  /** Told about every profile file that was skipped. */
  readonly onWarning?: (message: string) => void;
  /** Only samples that carry this custom label. */
  readonly label?: LabelFilter;
}

export interface ReportResult {
  /** Absolute path of the HTML file written. */
  readonly file: string;
  /** Distinct (span_name, span_id) pairs in the report. */
  readonly spans: number;
  /** CPU samples in the report. */
  readonly samples: number;
  readonly cpuNs: number;
  /** One line per skipped profile file. */
  readonly warnings: readonly string[];
}

/** The report's file name inside the profile directory, when no other is given. */
export const DEFAULT_REPORT_FILE = 'report.html';

/**
 * Reads the profiles in `dir` and writes one self-contained HTML report to
 * `outFile` (default `<dir>/report.html`), creating its directory if needed.
 * Throws ReportError for a bad directory or a file that cannot be written.
 */
export function writeReport(dir: string, outFile?: string, options: WriteReportOptions = {}): ReportResult {
  const set = readProfiles(dir, { label: options.label });
  for (const w of set.warnings) options.onWarning?.(w);
  const file = path.resolve(outFile ?? path.join(dir, DEFAULT_REPORT_FILE));
  const html = renderReportHtml(set);
  // Written whole under a temporary name first, so a browser reloading the
  // old report never reads half a file.
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temp, html);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw new ReportError('io-error', `cannot write the report to ${file}: ${(err as Error).message}`, { cause: err });
  }
  return { file, spans: set.spans.length, samples: set.samples, cpuNs: set.cpuNs, warnings: set.warnings };
}
