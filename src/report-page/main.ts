/**
 * The report page's script: esbuild bundles this module and those it
 * imports into one script (scripts/build-report-page.js), which the report
 * inlines after d3 and d3-flame-graph and allows by its hash.
 */
import { byId } from './dom';
import { flameGraph } from './flame-graph';
import { groupSpans, readPageData, type Selected } from './model';
import { wireSearch } from './search';
import { showSelection } from './selection';
import { renderSummary } from './summary';
import { spanTable } from './table';

const data = readPageData(byId('spanprof-data'));
const groups = groupSpans(data.spans);
const searchInput = byId('search', HTMLInputElement);
const graph = flameGraph(() => searchInput.value.trim());

let selected: Selected = { kind: 'all' };
const table = spanTable(data, groups, { current: () => selected, select });

renderSummary(data, groups);
table.render();
showSelection(data, groups, selected, graph);
wireSearch(searchInput, graph.applySearch);
graph.redrawOnResize(() => showSelection(data, groups, selected, graph));

function select(s: Selected): void {
  selected = s;
  table.render();
  showSelection(data, groups, selected, graph);
}
