import type {
  D3,
  FlameChart,
  FlameDatum,
  FlameGraphModule,
  FlameNode,
  PageDocument,
  PageElement,
  PageWindow,
} from './dom';
import type { PageData, PageSpan, PageWeights } from './page-data';

// Browser globals: the page's own, d3's and d3-flame-graph's. Declared here,
// in this module only, so the rest of the package stays typed for Node.
declare const document: PageDocument;
declare const window: PageWindow;
declare const d3: D3;
declare const flamegraph: FlameGraphModule;

/**
 * The report page's script. The report embeds this function's source and
 * calls it, so it must stand alone: no imports at run time, nothing from
 * outside its body but browser globals and its argument, whose source the
 * report embeds too (the terminal table's own duration format).
 *
 * Every string from the profiles reaches the page through textContent,
 * setAttribute or d3's text(): never as markup.
 */
export function reportPage(duration: (ns: number) => string): void {
  type SortKey = 'name' | 'spans' | 'cpu' | 'samples';
  type Selected =
    | { readonly kind: 'all' }
    | { readonly kind: 'name'; readonly name: string }
    | { readonly kind: 'span'; readonly index: number }
    | { readonly kind: 'unlabelled' };

  interface Group {
    readonly name: string;
    /** Indexes into data.spans, most CPU first. */
    readonly spans: number[];
    cpuNs: number;
    samples: number;
  }

  /** Span ids listed under an opened span name before "show more". */
  const ID_PAGE = 50;
  const SPECIAL_FRAMES = ['(program)', '(garbage collector)', '(idle)', '(root)', '(no stack)'];

  const data = JSON.parse(byId('spanprof-data').textContent ?? 'null') as PageData;
  const groups = groupSpans(data.spans);
  const tbody = byId('spans-body');
  const flameElement = byId('flame');
  const searchInput = byId('search');
  const searchStatus = byId('search-status');

  let selected: Selected = { kind: 'all' };
  let chart: FlameChart | null = null;
  let sortKey: SortKey = 'cpu';
  let sortDescending = true;
  const expanded = new Set<string>();
  const idsShown = new Map<string, number>();

  renderSummary();
  renderTable();
  renderSelection();
  wireControls();

  function byId(id: string): PageElement {
    const el = document.getElementById(id);
    if (!el) throw new Error(`report page: missing #${id}`);
    return el;
  }

  function el(tag: string, className?: string, text?: string): PageElement {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }


  function percent(part: number, whole: number): string {
    return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '0.0%';
  }

  function plural(n: number, one: string, many: string): string {
    return `${n} ${n === 1 ? one : many}`;
  }

  /** UTC time of day, or the full date when `withDate`. */
  function time(ms: number, withDate: boolean): string {
    if (!(ms > 0)) return '';
    const iso = new Date(ms).toISOString();
    return withDate ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso.slice(11, 19);
  }

  function spanNameLabel(name: string): string {
    return name === '' ? '(no span name)' : name;
  }

  function location(file: string, line: number): string {
    if (file === '') return '';
    return line > 0 ? `${file}:${line}` : file;
  }

  function groupSpans(spans: readonly PageSpan[]): Group[] {
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

  function renderSummary(): void {
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

  // ----- the span table -----

  function sortValue(g: Group, key: SortKey): number | string {
    switch (key) {
      case 'name':
        return g.name;
      case 'spans':
        return g.spans.length;
      case 'cpu':
        return g.cpuNs;
      case 'samples':
        return g.samples;
    }
  }

  function sortedGroups(): Group[] {
    const dir = sortDescending ? -1 : 1;
    return groups.slice().sort((a, b) => {
      const x = sortValue(a, sortKey);
      const y = sortValue(b, sortKey);
      const c = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number);
      return c * dir || b.cpuNs - a.cpuNs || a.name.localeCompare(b.name);
    });
  }

  function isSelected(s: Selected): boolean {
    if (s.kind !== selected.kind) return false;
    if (s.kind === 'name' && selected.kind === 'name') return s.name === selected.name;
    if (s.kind === 'span' && selected.kind === 'span') return s.index === selected.index;
    return true;
  }

  /** A button that selects `s`; its text is the row's label. */
  function pickButton(s: Selected, label: string, className: string): PageElement {
    const b = el('button', `pick ${className}`, label);
    b.type = 'button';
    b.setAttribute('aria-pressed', String(isSelected(s)));
    b.addEventListener('click', () => select(s));
    return b;
  }

  function numberCells(row: PageElement, cpuNs: number, samples: number, count: string): void {
    row.append(el('td', 'num', count), el('td', 'num', duration(cpuNs)), el('td', 'num', String(samples)));
    const share = el('td', 'num share');
    const bar = el('span', 'bar');
    bar.style.setProperty('width', `${data.cpuNs > 0 ? (100 * cpuNs) / data.cpuNs : 0}%`);
    share.append(bar, el('span', 'pct', percent(cpuNs, data.cpuNs)));
    row.append(share);
  }

  function tableRow(s: Selected, className: string): PageElement {
    const row = el('tr', className);
    if (isSelected(s)) row.classList.add('selected');
    return row;
  }

  function renderTable(): void {
    const rows: PageElement[] = [];

    const all: Selected = { kind: 'all' };
    const allRow = tableRow(all, 'all');
    const allCell = el('td', 'name');
    allCell.append(pickButton(all, 'Whole service', ''));
    allRow.append(allCell);
    numberCells(allRow, data.cpuNs, data.samples, String(data.spans.length));
    rows.push(allRow);

    for (const g of sortedGroups()) {
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
        renderTable();
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

    for (const key of ['name', 'spans', 'cpu', 'samples'] as const) {
      byId(`sort-${key}`).setAttribute(
        'aria-sort',
        key === sortKey ? (sortDescending ? 'descending' : 'ascending') : 'none',
      );
    }
  }

  function spanRows(g: Group): PageElement[] {
    const limit = idsShown.get(g.name) ?? ID_PAGE;
    const rows: PageElement[] = [];
    for (const index of g.spans.slice(0, limit)) {
      const span = data.spans[index];
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
      rows.push(row);
    }
    if (g.spans.length > limit) {
      const row = el('tr', 'more');
      const cell = el('td', 'name');
      cell.setAttribute('colspan', '5');
      const more = el('button', 'more', `Show ${Math.min(ID_PAGE, g.spans.length - limit)} more of ${g.spans.length} spans`);
      more.type = 'button';
      more.addEventListener('click', () => {
        idsShown.set(g.name, limit + ID_PAGE);
        renderTable();
      });
      cell.append(more);
      row.append(cell);
      rows.push(row);
    }
    return rows;
  }

  // ----- the flame graph -----

  function weightsOf(s: Selected): PageWeights[] {
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

  /** The merged call tree of a selection, as d3-flame-graph takes it. */
  function flameData(s: Selected, rootName: string): FlameDatum | null {
    const { parent, frame } = data.tree;
    const n = parent.length;
    const cpu = new Float64Array(n);
    const count = new Float64Array(n);
    for (const w of weightsOf(s)) {
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
    const nodes: (FlameDatum | undefined)[] = new Array(n);
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

  function describe(s: Selected): { title: string; detail: string; root: string } {
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

  function select(s: Selected): void {
    selected = s;
    renderTable();
    renderSelection();
  }

  function renderSelection(): void {
    const d = describe(selected);
    byId('selection-title').textContent = d.title;
    byId('selection-detail').textContent = d.detail;
    drawFlame(flameData(selected, d.root));
  }

  function drawFlame(root: FlameDatum | null): void {
    if (chart) chart.destroy();
    chart = null;
    flameElement.replaceChildren();
    byId('details').textContent = '';
    if (!root) {
      flameElement.append(el('p', 'empty', 'No CPU samples in this selection.'));
      searchStatus.textContent = '';
      return;
    }
    const total = root.value;
    const c = flamegraph
      .default()
      .width(Math.max(320, flameElement.clientWidth))
      .cellHeight(18)
      .transitionDuration(150)
      // Frames narrower than a pixel cannot be seen; not drawing them keeps
      // large profiles responsive (search still counts them).
      .minFrameSize(1)
      .sort(true)
      .setDetailsElement(byId('details'))
      .setLabelHandler((node: FlameNode) => {
        const where = location(node.data.file, node.data.line);
        return (
          `${node.data.name}${where ? ` (${where})` : ''}: ` +
          `${duration(node.data.value)} CPU, ${percent(node.data.value, total)}, ` +
          plural(node.data.samples, 'sample', 'samples')
        );
      })
      .setSearchMatch((node: FlameNode, term: string) => {
        if (!term) return false;
        const t = term.toLowerCase();
        return node.data.name.toLowerCase().includes(t) || node.data.file.toLowerCase().includes(t);
      })
      .setSearchHandler((results: FlameNode[], sum: number, all: number) => {
        searchStatus.textContent =
          results.length === 0
            ? 'no matching frames'
            : `${plural(results.length, 'matching frame', 'matching frames')} · ${duration(sum)} CPU, ${percent(sum, all)}`;
      })
      .setColorMapper((node: FlameNode, original: string) => {
        if (!node.data.file && SPECIAL_FRAMES.includes(node.data.name)) return '#c9c9c9';
        return original;
      });
    d3.select(flameElement).datum(root).call(c);
    chart = c;
    applySearch();
  }

  function applySearch(): void {
    if (!chart) return;
    const term = searchInput.value.trim();
    if (term === '') {
      chart.clear();
      searchStatus.textContent = '';
    } else chart.search(term);
  }

  function wireControls(): void {
    for (const key of ['name', 'spans', 'cpu', 'samples'] as const) {
      byId(`sort-${key}-button`).addEventListener('click', () => {
        if (sortKey === key) sortDescending = !sortDescending;
        else {
          sortKey = key;
          sortDescending = key !== 'name';
        }
        renderTable();
      });
    }
    let searchTimer = 0;
    searchInput.addEventListener('input', () => {
      window.clearTimeout(searchTimer);
      searchTimer = window.setTimeout(applySearch, 120);
    });
    searchInput.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        searchInput.value = '';
        applySearch();
      } else if (event.key === 'Enter') {
        event.preventDefault();
        applySearch();
      }
    });
    byId('search-clear').addEventListener('click', () => {
      searchInput.value = '';
      applySearch();
      searchInput.focus();
    });
    byId('reset-zoom').addEventListener('click', () => chart?.resetZoom());
    let resizeTimer = 0;
    let lastWidth = flameElement.clientWidth;
    window.addEventListener('resize', () => {
      window.clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(() => {
        if (flameElement.clientWidth !== lastWidth) {
          lastWidth = flameElement.clientWidth;
          renderSelection();
        }
      }, 200);
    });
  }
}
