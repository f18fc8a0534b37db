import {
  formatDuration,
  formatLocation,
  formatPercent,
  printable,
  textWidth,
  truncateEnd,
  truncateStart,
} from './format';
import type { ProfileSet } from './model';
import type { LabelFilter } from './aggregate';
import { readProfiles } from './read-profiles';
import { describeSelection, resolveSelection } from './selection';
import { BOLD, DIM, defaultColor, style, terminalWidth } from './terminal';
import { topFunctions, type FunctionTable } from './top';

export interface TopOptions {
  /** Only samples of this span id (16 hex chars). */
  readonly span?: string;
  /** Only samples of spans with this name. */
  readonly name?: string;
  /** Only samples that carry this custom label. */
  readonly label?: LabelFilter;
  /** Rows to show; default 20. `Infinity` shows every function. */
  readonly limit?: number;
  /** Characters per line; default the terminal's width, else 120. */
  readonly width?: number;
  /** Bold header and dim locations; default on only for a terminal, and off under NO_COLOR. */
  readonly color?: boolean;
  /** Told about every profile file that was skipped. */
  readonly onWarning?: (message: string) => void;
}

export const DEFAULT_TOP_LIMIT = 20;
/** The narrowest table still drawn; below it lines wrap. */
const MIN_WIDTH = 60;

/**
 * The hottest functions of a profile directory as a text table: self CPU,
 * total CPU, their shares of the selection, the function and its file:line.
 * Throws ReportError for a bad directory or an unknown span id or name.
 */
export function formatTop(dir: string, options: TopOptions = {}): string {
  const set = readProfiles(dir, { label: options.label });
  for (const w of set.warnings) options.onWarning?.(w);
  const selection = resolveSelection(set, { span: options.span, name: options.name });
  return renderTopTable(set, topFunctions(set, selection), options);
}

/** Lays out a function table; see formatTop. */
export function renderTopTable(
  set: ProfileSet,
  table: FunctionTable,
  options: Pick<TopOptions, 'limit' | 'width' | 'color'> = {},
): string {
  const width = Math.max(MIN_WIDTH, Math.floor(options.width ?? terminalWidth()));
  const color = options.color ?? defaultColor();
  const limit = Math.max(0, options.limit ?? DEFAULT_TOP_LIMIT);
  const { totals } = table;
  const lines: string[] = [];

  const spans = totals.spans === 1 ? '1 span' : `${totals.spans} spans`;
  const labelled = set.label !== undefined ? ` with ${set.label}` : '';
  lines.push(
    `CPU by function, ${describeSelection(table.selection)}${labelled}: ${formatDuration(totals.cpuNs)} CPU in ` +
      `${totals.samples} samples, ${spans}`,
  );
  if (totals.samples === 0) {
    lines.push('no CPU samples in this selection');
    return finish(lines, set);
  }

  const shown = table.rows.slice(0, limit);
  const cells = shown.map((r) => ({
    self: formatDuration(r.selfCpuNs),
    selfPct: formatPercent(r.selfCpuNs, totals.cpuNs),
    total: formatDuration(r.totalCpuNs),
    totalPct: formatPercent(r.totalCpuNs, totals.cpuNs),
    name: printable(r.name),
    location: printable(formatLocation(r.file, r.line)),
  }));
  const heads = { self: 'SELF', selfPct: 'SELF%', total: 'TOTAL', totalPct: 'TOTAL%', name: 'FUNCTION', location: 'FILE:LINE' };
  const col = (key: 'self' | 'selfPct' | 'total' | 'totalPct'): number =>
    Math.max(textWidth(heads[key]), ...cells.map((c) => textWidth(c[key])));
  const numeric = { self: col('self'), selfPct: col('selfPct'), total: col('total'), totalPct: col('totalPct') };
  const gap = '  ';
  const fixed = numeric.self + numeric.selfPct + numeric.total + numeric.totalPct + 4 * gap.length;
  const [nameWidth, locationWidth] = splitRest(
    width - fixed,
    Math.max(textWidth(heads.name), ...cells.map((c) => textWidth(c.name))),
    Math.max(textWidth(heads.location), ...cells.map((c) => textWidth(c.location))),
  );

  const row = (c: typeof heads, header: boolean): string => {
    const numbers = [
      c.self.padStart(numeric.self),
      c.selfPct.padStart(numeric.selfPct),
      c.total.padStart(numeric.total),
      c.totalPct.padStart(numeric.totalPct),
    ].join(gap);
    const name = padEnd(truncateEnd(c.name, nameWidth), nameWidth);
    if (locationWidth === 0) return style(`${numbers}${gap}${name}`.trimEnd(), header ? BOLD : '', color);
    const location = truncateStart(c.location, locationWidth);
    if (header) return style(`${numbers}${gap}${name}${gap}${location}`.trimEnd(), BOLD, color);
    return `${numbers}${gap}${name}${gap}${style(location, DIM, color)}`.trimEnd();
  };
  lines.push(row(heads, true));
  for (const c of cells) lines.push(row(c, false));
  if (shown.length < table.rows.length) {
    lines.push(`… ${table.rows.length - shown.length} more functions (${table.rows.length} in all)`);
  }
  return finish(lines, set);
}

/** Splits the width left after the numbers between function and location. */
function splitRest(rest: number, nameWanted: number, locationWanted: number): [number, number] {
  const gap = 2;
  if (nameWanted + gap + locationWanted <= rest) return [nameWanted, locationWanted];
  // The location gets at most two fifths, and is dropped when too narrow to
  // show even a file name; the function name takes the rest.
  let location = Math.min(locationWanted, Math.floor((rest * 2) / 5));
  if (location < 12) location = 0;
  let name = Math.max(8, rest - (location > 0 ? location + gap : 0));
  if (location > 0 && name > nameWanted) {
    // Short names: the location takes the room they leave.
    name = nameWanted;
    location = Math.min(locationWanted, rest - nameWanted - gap);
  }
  return [name, location];
}

function finish(lines: string[], set: ProfileSet): string {
  const skipped = set.files.corrupt;
  if (skipped > 0) lines.push(`(${skipped} unreadable profile file${skipped === 1 ? '' : 's'} skipped)`);
  return `${lines.join('\n')}\n`;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - textWidth(text)));
}
