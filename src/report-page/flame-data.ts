import type { PageData } from '../report/page/page-data';
import type { FlameDatum } from './flame-types';
import { weightsOf, type Selected } from './model';

/**
 * The merged call tree of a selection, as d3-flame-graph takes it; null when
 * the selection has no samples. The page sums it from the shared prefix tree
 * on each selection, so the report need not carry one tree per selection.
 */
export function flameData(data: PageData, s: Selected, rootName: string): FlameDatum | null {
  const { parent, frame } = data.tree;
  const n = parent.length;
  const cpu = new Float64Array(n);
  const count = new Float64Array(n);
  for (const w of weightsOf(data, s)) {
    for (let i = 0; i < w.weights.length; i += 3) {
      count[w.weights[i]] += w.weights[i + 1];
      cpu[w.weights[i]] += w.weights[i + 2];
    }
  }
  // Parents precede children: one backward pass sums every subtree.
  for (let i = n - 1; i > 0; i--) {
    cpu[parent[i]] += cpu[i];
    count[parent[i]] += count[i];
  }
  if (count[0] === 0) return null;
  const nodes = new Array<FlameDatum | undefined>(n);
  for (let i = 0; i < n; i++) {
    if (count[i] === 0 && cpu[i] === 0) continue;
    const f = frame[i];
    const datum: FlameDatum = {
      name: i === 0 ? rootName : data.frames.names[f],
      file: i === 0 ? '' : data.frames.files[f],
      line: i === 0 ? 0 : data.frames.lines[f],
      value: cpu[i],
      samples: count[i],
      children: [],
    };
    nodes[i] = datum;
    if (i > 0) nodes[parent[i]]?.children.push(datum);
  }
  return nodes[0] ?? null;
}
