import type { CallNode, ProfileSet, Selection } from './model';
import { forEachWeight } from './selection';

/**
 * The merged call tree of a selection: the shared stack tree, with only the
 * nodes the selection's samples reach and their summed weights.
 */
export function callTree(set: ProfileSet, selection: Selection): CallNode {
  const { parent, frame } = set.tree;
  const n = parent.length;
  const cpu = new Float64Array(n);
  const samples = new Float64Array(n);
  const selfCpu = new Float64Array(n);
  const selfSamples = new Float64Array(n);
  forEachWeight(set, selection, (w) => {
    selfCpu[w.node] += w.cpuNs;
    selfSamples[w.node] += w.samples;
  });
  cpu.set(selfCpu);
  samples.set(selfSamples);
  // Parents come before children, so one backward pass sums every subtree.
  for (let i = n - 1; i > 0; i--) {
    cpu[parent[i]] += cpu[i];
    samples[parent[i]] += samples[i];
  }

  const kids: number[][] = Array.from({ length: n }, () => []);
  for (let i = 1; i < n; i++) {
    if (samples[i] > 0 || cpu[i] > 0) kids[parent[i]].push(i);
  }
  const build = (i: number): CallNode => {
    const f = frame[i] >= 0 ? set.frames[frame[i]] : undefined;
    const children = kids[i].map(build).sort((a, b) => b.cpuNs - a.cpuNs || b.samples - a.samples);
    return {
      frame: frame[i],
      name: f ? f.name : '(root)',
      file: f ? f.file : '',
      line: f ? f.line : 0,
      cpuNs: cpu[i],
      samples: samples[i],
      selfCpuNs: selfCpu[i],
      selfSamples: selfSamples[i],
      children,
    };
  };
  return build(0);
}
