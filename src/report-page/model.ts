import type { PageData, PageSpan, PageWeights } from '../report/page/page-data';

/**
 * What the flame graph shows: the service, a span name, one span, or samples
 * outside spans. Unlike the terminal's Selection (src/report/model.ts) it
 * names a span by its index in data.spans: the report keeps a span per name
 * and id, so an id alone may name two rows.
 */
export type Selected =
  | { readonly kind: 'all' }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'span'; readonly index: number }
  | { readonly kind: 'unlabelled' };

/** The spans that share a name. */
export interface Group {
  readonly name: string;
  /** Indexes into data.spans, most CPU first. */
  readonly spans: number[];
  cpuNs: number;
  samples: number;
}

/** The report's data, from its JSON block (see src/report/render-html.ts). */
export function readPageData(block: HTMLElement): PageData {
  return JSON.parse(block.textContent ?? 'null') as PageData;
}

/** Spans grouped by name, in the order the names first appear (most CPU first). */
export function groupSpans(spans: readonly PageSpan[]): Group[] {
  const byName = new Map<string, Group>();
  spans.forEach((span, index) => {
    let g = byName.get(span.name);
    if (!g) {
      g = { name: span.name, spans: [], cpuNs: 0, samples: 0 };
      byName.set(span.name, g);
    }
    g.spans.push(index);
    g.cpuNs += span.cpuNs;
    g.samples += span.samples;
  });
  return [...byName.values()];
}

export function sameSelection(a: Selected, b: Selected): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'name' && b.kind === 'name') return a.name === b.name;
  if (a.kind === 'span' && b.kind === 'span') return a.index === b.index;
  return true;
}

/** The leaf weights a selection sums. */
export function weightsOf(data: PageData, s: Selected): PageWeights[] {
  switch (s.kind) {
    case 'all':
      return [...data.spans, data.unlabelled];
    case 'name':
      return data.spans.filter((span) => span.name === s.name);
    case 'span':
      return [data.spans[s.index]];
    case 'unlabelled':
      return [data.unlabelled];
  }
}
