import type { PageData, PageSpan } from '../report/page/page-data';
import { byId, el } from './dom';
import { sameSelection, type Group, type Selected } from './model';
import { tableSort } from './table-sort';
import { duration, percent, spanNameLabel, time } from './text';

/** Span ids listed under an opened span name before "show more". */
const ID_PAGE = 50;

/** How the table reads and changes the page's selection. */
export interface SelectionControl {
  current(): Selected;
  select(s: Selected): void;
}

export interface SpanTable {
  /** Redraws every row; the selection's row is marked. */
  render(): void;
}

/**
 * The span table: the whole service, one row a span name (opened, its span
 * ids, a page at a time), and the samples outside any span. Its column
 * headers sort it (table-sort.ts).
 */
export function spanTable(data: PageData, groups: readonly Group[], selection: SelectionControl): SpanTable {
  const tbody = byId('spans-body');
  const sort = tableSort(render);
  const expanded = new Set<string>();
  const idsShown = new Map<string, number>();
  return { render };

  /** A button that selects `s`; its text is the row's label. */
  function pickButton(s: Selected, label: string, className: string): HTMLButtonElement {
    const b = el('button', `pick ${className}`, label);
    b.type = 'button';
    b.setAttribute('aria-pressed', String(sameSelection(s, selection.current())));
    b.addEventListener('click', () => selection.select(s));
    return b;
  }

  function numberCells(row: HTMLElement, cpuNs: number, samples: number, count: string): void {
    row.append(el('td', 'num', count), el('td', 'num', duration(cpuNs)), el('td', 'num', String(samples)));
    const share = el('td', 'num share');
    const bar = el('span', 'bar');
    bar.style.setProperty('width', `${data.cpuNs > 0 ? (100 * cpuNs) / data.cpuNs : 0}%`);
    share.append(bar, el('span', 'pct', percent(cpuNs, data.cpuNs)));
    row.append(share);
  }

  function tableRow(s: Selected, className: string): HTMLElement {
    const row = el('tr', className);
    if (sameSelection(s, selection.current())) row.classList.add('selected');
    return row;
  }

  function render(): void {
    const rows: HTMLElement[] = [];

    const all: Selected = { kind: 'all' };
    const allRow = tableRow(all, 'all');
    const allCell = el('td', 'name');
    allCell.append(pickButton(all, 'Whole service', ''));
    allRow.append(allCell);
    numberCells(allRow, data.cpuNs, data.samples, String(data.spans.length));
    rows.push(allRow);

    for (const g of sort.sorted(groups)) {
      const s: Selected = { kind: 'name', name: g.name };
      const row = tableRow(s, 'group');
      const cell = el('td', 'name');
      const open = expanded.has(g.name);
      const toggle = el('button', 'toggle', open ? '▾' : '▸');
      toggle.type = 'button';
      toggle.setAttribute('aria-expanded', String(open));
      toggle.setAttribute('aria-label', `${open ? 'Hide' : 'Show'} span ids of ${spanNameLabel(g.name)}`);
      toggle.addEventListener('click', () => {
        if (expanded.has(g.name)) expanded.delete(g.name);
        else expanded.add(g.name);
        render();
      });
      cell.append(toggle, pickButton(s, spanNameLabel(g.name), g.name === '' ? 'unnamed' : ''));
      row.append(cell);
      numberCells(row, g.cpuNs, g.samples, String(g.spans.length));
      rows.push(row);
      if (open) rows.push(...spanRows(g));
    }

    if (data.unlabelled.samples > 0) {
      const s: Selected = { kind: 'unlabelled' };
      const row = tableRow(s, 'unlabelled');
      const cell = el('td', 'name');
      cell.append(pickButton(s, '(outside any span)', 'unnamed'));
      row.append(cell);
      numberCells(row, data.unlabelled.cpuNs, data.unlabelled.samples, '');
      rows.push(row);
    }
    tbody.replaceChildren(...rows);

    sort.markHeaders();
  }

  function spanRows(g: Group): HTMLElement[] {
    const limit = idsShown.get(g.name) ?? ID_PAGE;
    const rows: HTMLElement[] = [];
    for (const index of g.spans.slice(0, limit)) rows.push(spanRow(data.spans[index], index));
    if (g.spans.length > limit) {
      const row = el('tr', 'more');
      const cell = el('td', 'name');
      cell.setAttribute('colspan', '5');
      const more = el('button', 'more', `Show ${Math.min(ID_PAGE, g.spans.length - limit)} more of ${g.spans.length} spans`);
      more.type = 'button';
      more.addEventListener('click', () => {
        idsShown.set(g.name, limit + ID_PAGE);
        render();
      });
      cell.append(more);
      row.append(cell);
      rows.push(row);
    }
    return rows;
  }

  function spanRow(span: PageSpan, index: number): HTMLElement {
    const s: Selected = { kind: 'span', index };
    const row = tableRow(s, 'span');
    const cell = el('td', 'name');
    cell.append(pickButton(s, span.id, 'mono'));
    if (span.trace !== '') {
      // The full trace id is in the selection's heading and this tooltip.
      const trace = el('span', 'trace mono', `trace ${span.trace.slice(0, 8)}…`);
      trace.title = `trace ${span.trace}`;
      cell.append(trace);
    }
    if (span.labels.length > 0) cell.append(el('span', 'labels mono', span.labels.join(' ')));
    row.append(cell);
    const when = span.startMs > 0 ? `${time(span.startMs, false)}–${time(span.endMs, false)}` : '';
    numberCells(row, span.cpuNs, span.samples, when);
    return row;
  }
}
