import {
  formatDuration,
  formatLocation,
  formatPercent,
  printable,
  textWidth,
  truncateEnd,
  truncateStart,
} from './format';
import type { ProfileSet, Selection } from './model';
import { readProfiles } from './read-profiles';
import { BOLD, defaultColor, style, terminalWidth } from './terminal';
import { topFunctions } from './top';

export interface SpanTableOptions {
  /** Span names to list, most CPU first; default 10. */
  readonly limit?: number;
  /** Hottest functions under each span name; default 3. */
  readonly functions?: number;
  /** Characters per line; default the terminal's width, else 120. */
  readonly width?: number;
  /** Bold span names; default on only for a terminal, and off under NO_COLOR. */
  readonly color?: boolean;
  /** Told about every profile file that was skipped. */
  readonly onWarning?: (message: string) => void;
}

/**
 * Span names by CPU, each with its hottest functions (by self CPU) beneath
 * it: what a first look at a service wants to know. Samples outside every
 * span come last. Throws ReportError for a bad directory.
 */
export function formatSpanTable(dir: string, options: SpanTableOptions = {}): string {
  const set = readProfiles(dir);
  for (const w of set.warnings) options.onWarning?.(w);
  return renderSpanTable(set, options);
}

/** Lays out the span table of a profile set; see formatSpanTable. */
export function renderSpanTable(set: ProfileSet, options: Omit<SpanTableOptions, 'onWarning'> = {}): string {
  const width = Math.max(60, Math.floor(options.width ?? terminalWidth()));
  const color = options.color ?? defaultColor();
  const limit = Math.max(0, options.limit ?? 10);
  const perName = Math.max(0, options.functions ?? 3);

  const groups = new Map<string, { cpuNs: number; samples: number; spans: number }>();
  for (const s of set.spans) {
    const g = groups.get(s.spanName) ?? { cpuNs: 0, samples: 0, spans: 0 };
    g.cpuNs += s.cpuNs;
    g.samples += s.samples;
    g.spans++;
    groups.set(s.spanName, g);
  }
  const ordered = [...groups.entries()].sort((a, b) => b[1].cpuNs - a[1].cpuNs || (a[0] < b[0] ? -1 : 1));

  const blocks: { title: string; selection: Selection; cpuNs: number }[] = ordered.slice(0, limit).map(([name, g]) => ({
    title:
      `${name === '' ? '(no span name)' : printable(name)}  ` +
      `${g.spans === 1 ? '1 span' : `${g.spans} spans`}, ${formatDuration(g.cpuNs)} CPU (${formatPercent(g.cpuNs, set.cpuNs)})`,
    selection: { kind: 'name', spanName: name },
    cpuNs: g.cpuNs,
  }));
  if (set.unlabelled.samples > 0) {
    blocks.push({
      title: `(outside any span)  ${formatDuration(set.unlabelled.cpuNs)} CPU (${formatPercent(set.unlabelled.cpuNs, set.cpuNs)})`,
      selection: { kind: 'unlabelled' },
      cpuNs: set.unlabelled.cpuNs,
    });
  }

  const lines = [`${formatDuration(set.cpuNs)} CPU in ${set.samples} samples, ${set.spans.length} spans under ${groups.size} span names`];
  for (const block of blocks) {
    lines.push('', style(truncateEnd(block.title, width), BOLD, color));
    const rows = topFunctions(set, block.selection).rows.slice(0, perName);
    const cells = rows.map((r) => ({
      cpu: formatDuration(r.selfCpuNs),
      pct: formatPercent(r.selfCpuNs, block.cpuNs),
      name: printable(r.name),
      location: printable(formatLocation(r.file, r.line)),
    }));
    const cpuWidth = Math.max(0, ...cells.map((c) => textWidth(c.cpu)));
    const pctWidth = Math.max(0, ...cells.map((c) => textWidth(c.pct)));
    const nameWidth = Math.max(0, ...cells.map((c) => textWidth(c.name)));
    for (const c of cells) {
      const head = `    ${c.cpu.padStart(cpuWidth)}  ${c.pct.padStart(pctWidth)}  `;
      const room = width - textWidth(head);
      // The name first; the location gets what is left, cut from its start.
      const shown = Math.max(8, Math.min(nameWidth, room - (c.location ? 14 : 0)));
      const name = truncateEnd(c.name, shown);
      const padded = name + ' '.repeat(Math.max(0, shown - textWidth(name)));
      const left = room - shown - 2;
      const where = c.location && left >= 12 ? `  ${truncateStart(c.location, left)}` : '';
      lines.push(`${head}${padded}${where}`.trimEnd());
    }
  }
  const more = ordered.length - limit;
  if (more > 0) lines.push('', `… ${more} more span name${more === 1 ? '' : 's'}`);
  if (set.files.corrupt > 0) {
    lines.push(`(${set.files.corrupt} unreadable profile file${set.files.corrupt === 1 ? '' : 's'} skipped)`);
  }
  return `${lines.join('\n')}\n`;
}
