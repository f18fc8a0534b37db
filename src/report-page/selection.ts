import type { PageData } from '../report/page/page-data';
import { byId } from './dom';
import { flameData } from './flame-data';
import type { FlameGraph } from './flame-graph';
import type { Group, Selected } from './model';
import { duration, plural, spanNameLabel } from './text';

interface Description {
  readonly title: string;
  readonly detail: string;
  /** The name of the flame graph's root frame. */
  readonly root: string;
}

/** Shows a selection: its heading, its details line and its flame graph. */
export function showSelection(data: PageData, groups: readonly Group[], s: Selected, graph: FlameGraph): void {
  const d = describe(data, groups, s);
  byId('selection-title').textContent = d.title;
  byId('selection-detail').textContent = d.detail;
  graph.draw(flameData(data, s, d.root));
}

function describe(data: PageData, groups: readonly Group[], s: Selected): Description {
  switch (s.kind) {
    case 'all':
      return {
        title: data.label === '' ? 'Whole service' : `Samples with ${data.label}`,
        detail: `${duration(data.cpuNs)} CPU in ${plural(data.samples, 'sample', 'samples')}`,
        root: 'all',
      };
    case 'name': {
      const g = groups.find((x) => x.name === s.name);
      const spans = g ? g.spans.length : 0;
      const cpu = g ? g.cpuNs : 0;
      return {
        title: spanNameLabel(s.name),
        detail: `${plural(spans, 'span', 'spans')} · ${duration(cpu)} CPU in ${plural(g ? g.samples : 0, 'sample', 'samples')}`,
        root: spanNameLabel(s.name),
      };
    }
    case 'span': {
      const span = data.spans[s.index];
      const parts = [`${spanNameLabel(span.name)}`, `${duration(span.cpuNs)} CPU in ${plural(span.samples, 'sample', 'samples')}`];
      if (span.trace !== '') parts.push(`trace ${span.trace}`);
      if (span.labels.length > 0) parts.push(span.labels.join(' '));
      return { title: `Span ${span.id}`, detail: parts.join(' · '), root: span.id };
    }
    case 'unlabelled':
      return {
        title: 'Outside any span',
        detail: `${duration(data.unlabelled.cpuNs)} CPU in ${plural(data.unlabelled.samples, 'sample', 'samples')}`,
        root: '(outside any span)',
      };
  }
}
