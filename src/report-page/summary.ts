import type { PageData } from '../report/page/page-data';
import { byId, el } from './dom';
import type { Group } from './model';
import { duration, plural, time } from './text';

/** The header: the profile directory, what the report covers, and the files it skipped. */
export function renderSummary(data: PageData, groups: readonly Group[]): void {
  byId('source').textContent = data.source;
  const parts = [
    `${duration(data.cpuNs)} CPU in ${plural(data.samples, 'sample', 'samples')}`,
    `${plural(data.spans.length, 'span', 'spans')} under ${plural(groups.length, 'span name', 'span names')}`,
    plural(data.files.cpu, 'CPU profile', 'CPU profiles'),
  ];
  // Wall-clock profiles are recognised but this report shows CPU time only.
  if (data.files.wall > 0) parts.push(`${plural(data.files.wall, 'wall profile', 'wall profiles')} not shown`);
  if (data.startMs > 0) parts.push(`${time(data.startMs, true)} – ${time(data.endMs, false)} UTC`);
  byId('summary').textContent = parts.join(' · ');
  const warnings = byId('warnings');
  if (data.warnings.length > 0) {
    warnings.hidden = false;
    warnings.append(el('strong', '', `${plural(data.warnings.length, 'file', 'files')} skipped: `));
    const list = el('ul');
    for (const w of data.warnings) list.append(el('li', '', w));
    warnings.append(list);
  }
}
