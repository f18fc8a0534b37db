import { ReportError } from './errors';
import type { ProfileSet, Selection, SpanProfile, StackWeight } from './model';

/** What a caller may ask for: at most one of a span id and a span name. */
export interface SelectionInput {
  readonly span?: string;
  readonly name?: string;
}

/** The totals of a selection. */
export interface SelectionTotals {
  readonly cpuNs: number;
  readonly samples: number;
  /** Distinct (span_name, span_id) pairs in it. */
  readonly spans: number;
}

/**
 * Turns `--span` / `--name` into a selection, checking that some sample
 * carries it. Span ids are matched without regard to case (they are hex).
 */
export function resolveSelection(set: ProfileSet, input: SelectionInput): Selection {
  const { span, name } = input;
  if (span !== undefined && name !== undefined) {
    throw new ReportError('bad-selection', 'choose either a span id or a span name, not both');
  }
  if (span !== undefined) {
    const spanId = span.trim().toLowerCase();
    if (!set.spans.some((s) => s.spanId.toLowerCase() === spanId)) {
      throw new ReportError(
        'span-not-found',
        `no sample in ${set.directory} carries span_id ${JSON.stringify(span)}` +
          hint('span ids with the most CPU', set.spans.map((s) => s.spanId)),
      );
    }
    return { kind: 'span', spanId };
  }
  if (name !== undefined) {
    if (!set.spans.some((s) => s.spanName === name)) {
      const names = [...new Set(set.spans.map((s) => s.spanName).filter((n) => n !== ''))];
      throw new ReportError(
        'name-not-found',
        `no sample in ${set.directory} carries span_name ${JSON.stringify(name)}` +
          (names.length > 0
            ? hint('span names', names.map((n) => JSON.stringify(n)))
            : ' (the profiles carry no span names)'),
      );
    }
    return { kind: 'name', spanName: name };
  }
  return { kind: 'all' };
}

/** The spans a selection takes in full. */
export function selectedSpans(set: ProfileSet, selection: Selection): readonly SpanProfile[] {
  switch (selection.kind) {
    case 'all':
      return set.spans;
    case 'span': {
      const id = selection.spanId.toLowerCase();
      return set.spans.filter((s) => s.spanId.toLowerCase() === id);
    }
    case 'name':
      return set.spans.filter((s) => s.spanName === selection.spanName);
    case 'unlabelled':
      return [];
  }
}

/** Calls `visit` with every leaf weight of the selection. */
export function forEachWeight(
  set: ProfileSet,
  selection: Selection,
  visit: (weight: StackWeight) => void,
): SelectionTotals {
  let cpuNs = 0;
  let samples = 0;
  const spans = selectedSpans(set, selection);
  const lists: (readonly StackWeight[])[] = spans.map((s) => s.stacks);
  if (selection.kind === 'all' || selection.kind === 'unlabelled') lists.push(set.unlabelled.stacks);
  for (const list of lists) {
    for (const w of list) {
      cpuNs += w.cpuNs;
      samples += w.samples;
      visit(w);
    }
  }
  return { cpuNs, samples, spans: spans.length };
}

/** How a table or a heading names the selection. */
export function describeSelection(selection: Selection): string {
  switch (selection.kind) {
    case 'all':
      return 'whole service';
    case 'span':
      return `span ${selection.spanId}`;
    case 'name':
      return `span name ${JSON.stringify(selection.spanName)}`;
    case 'unlabelled':
      return 'samples outside any span';
  }
}

function hint(what: string, values: readonly string[]): string {
  if (values.length === 0) return ' (the profiles carry no span ids)';
  const shown = values.slice(0, 5).join(', ');
  return `; ${what}: ${shown}${values.length > 5 ? `, … (${values.length} in all)` : ''}`;
}
