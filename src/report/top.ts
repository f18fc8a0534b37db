import type { ProfileSet, Selection } from './model';
import { forEachWeight, type SelectionTotals } from './selection';

/** One function's CPU within a selection. */
export interface FunctionRow {
  /** Index into `ProfileSet.frames`. */
  readonly frame: number;
  readonly name: string;
  readonly file: string;
  readonly line: number;
  /** CPU of the samples whose leaf is this function. */
  readonly selfCpuNs: number;
  readonly selfSamples: number;
  /** CPU of the samples with this function anywhere on the stack (once per sample, however deep the recursion). */
  readonly totalCpuNs: number;
  readonly totalSamples: number;
}

export interface FunctionTable {
  readonly selection: Selection;
  readonly totals: SelectionTotals;
  /** Every function the selection reaches, most self CPU first. */
  readonly rows: readonly FunctionRow[];
}

/**
 * Self and total CPU per function. Every sample has exactly one leaf, so
 * the self CPU of all rows sums to the selection's CPU.
 */
export function topFunctions(set: ProfileSet, selection: Selection): FunctionTable {
  const { parent, frame } = set.tree;
  const frameCount = set.frames.length;
  const selfCpu = new Float64Array(frameCount);
  const selfSamples = new Float64Array(frameCount);
  const totalCpu = new Float64Array(frameCount);
  const totalSamples = new Float64Array(frameCount);
  const reached = new Uint8Array(frameCount);
  // Marks which frames were already counted on the current stack.
  const seenAt = new Int32Array(frameCount).fill(-1);
  let visit = 0;

  const totals = forEachWeight(set, selection, (w) => {
    const leaf = frame[w.node];
    selfCpu[leaf] += w.cpuNs;
    selfSamples[leaf] += w.samples;
    visit++;
    for (let node = w.node; node > 0; node = parent[node]) {
      const f = frame[node];
      if (seenAt[f] === visit) continue;
      seenAt[f] = visit;
      reached[f] = 1;
      totalCpu[f] += w.cpuNs;
      totalSamples[f] += w.samples;
    }
  });

  const rows: FunctionRow[] = [];
  for (let f = 0; f < frameCount; f++) {
    if (!reached[f]) continue;
    const { name, file, line } = set.frames[f];
    rows.push({
      frame: f,
      name,
      file,
      line,
      selfCpuNs: selfCpu[f],
      selfSamples: selfSamples[f],
      totalCpuNs: totalCpu[f],
      totalSamples: totalSamples[f],
    });
  }
  rows.sort(
    (a, b) =>
      b.selfCpuNs - a.selfCpuNs ||
      b.totalCpuNs - a.totalCpuNs ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      a.frame - b.frame,
  );
  return { selection, totals, rows };
}
