import * as fs from 'node:fs';
import { distPath } from './dist-path';

let cached: string | undefined;

/**
 * The report page's own script: src/report-page/ bundled into one file by
 * the build (scripts/build-report-page.js). The report inlines it after the
 * libraries it uses.
 */
export function pageScript(): string {
  cached ??= fs.readFileSync(distPath("the report's page script", 'report-page.js'), 'utf8');
  return cached;
}
