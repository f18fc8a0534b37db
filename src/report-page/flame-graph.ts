import { byId, el } from './dom';
import type { D3, FlameChart, FlameDatum, FlameGraphModule, FlameNode } from './flame-types';
import { matchesFrame, searchSummary } from './search';
import { duration, frameLocation, percent, plural } from './text';

// The globals of the d3 and d3-flame-graph builds inlined before this script.
declare const d3: D3;
declare const flamegraph: FlameGraphModule;

/** Frames V8 adds that are no JavaScript function: drawn grey. */
const SPECIAL_FRAMES = ['(program)', '(garbage collector)', '(idle)', '(root)', '(no stack)'];

export interface FlameGraph {
  /** Replaces the graph with `root`'s, or says the selection has no samples. */
  draw(root: FlameDatum | null): void;
  /** Highlights the frames that match the search box's term, or clears the highlight. Needs no `this`. */
  readonly applySearch: () => void;
  /** Calls `redraw` after the window's resizing ends, if the graph's width changed. */
  redrawOnResize(redraw: () => void): void;
}

/** The flame graph of `#flame`, its frame details line, search status and Reset zoom button. */
export function flameGraph(searchTerm: () => string): FlameGraph {
  const flameElement = byId('flame');
  const details = byId('details');
  const searchStatus = byId('search-status');
  let chart: FlameChart | null = null;
  byId('reset-zoom').addEventListener('click', () => chart?.resetZoom());
  return { draw, applySearch, redrawOnResize };

  function draw(root: FlameDatum | null): void {
    if (chart) chart.destroy();
    chart = null;
    flameElement.replaceChildren();
    details.textContent = '';
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
      .setDetailsElement(details)
      .setLabelHandler((node: FlameNode) => {
        const where = frameLocation(node.data.file, node.data.line);
        return (
          `${node.data.name}${where ? ` (${where})` : ''}: ` +
          `${duration(node.data.value)} CPU, ${percent(node.data.value, total)}, ` +
          plural(node.data.samples, 'sample', 'samples')
        );
      })
      .setSearchMatch(matchesFrame)
      .setSearchHandler((results: FlameNode[], sum: number, all: number) => {
        searchStatus.textContent = searchSummary(results, sum, all);
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
    const term = searchTerm();
    if (term === '') {
      chart.clear();
      searchStatus.textContent = '';
    } else chart.search(term);
  }

  function redrawOnResize(redraw: () => void): void {
    let resizeTimer = 0;
    let lastWidth = flameElement.clientWidth;
    window.addEventListener('resize', () => {
      window.clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(() => {
        if (flameElement.clientWidth !== lastWidth) {
          lastWidth = flameElement.clientWidth;
          redraw();
        }
      }, 200);
    });
  }
}
