/** The report page's stylesheet: static, no data in it. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1d1f23; --muted: #5f6670; --line: #e3e5e8; --accent: #d9480f; --pick: #fff4e6; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
header { padding: 14px 20px 10px; border-bottom: 1px solid var(--line); }
h1 { margin: 0; font-size: 18px; font-weight: 600; }
h1 .product { color: var(--accent); }
#summary { margin: 4px 0 0; color: var(--muted); }
#warnings { margin: 10px 0 0; padding: 8px 12px; background: #fff8db; border: 1px solid #f0d882; border-radius: 4px; }
#warnings ul { margin: 4px 0 0; padding-left: 20px; }
main { display: grid; grid-template-columns: minmax(440px, 40%) 1fr; min-height: calc(100vh - 70px); }
#spans-panel { border-right: 1px solid var(--line); overflow: auto; max-height: calc(100vh - 70px); }
#graph-panel { padding: 12px 20px; min-width: 0; }
table { width: 100%; border-collapse: collapse; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { position: sticky; top: 0; background: #f7f8f9; font-weight: 600; z-index: 1; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
th[aria-sort="descending"] button::after { content: " ▾"; }
th[aria-sort="ascending"] button::after { content: " ▴"; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
th:last-child, td:last-child { padding-right: 14px; }
td.name { word-break: break-word; }
tr.span button.pick { white-space: nowrap; }
tr.span td.name { padding-left: 34px; }
tr.selected { background: var(--pick); }
button.pick { font: inherit; background: none; border: 0; padding: 0; margin: 0; color: #0b57d0; cursor: pointer; text-align: left; }
button.pick:hover { text-decoration: underline; }
button.pick[aria-pressed="true"] { color: var(--fg); font-weight: 600; }
button.pick.unnamed { font-style: italic; }
button.toggle { width: 22px; background: none; border: 0; cursor: pointer; color: var(--muted); padding: 0; }
button.more { font: inherit; background: none; border: 1px solid var(--line); border-radius: 4px; padding: 2px 8px; cursor: pointer; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.trace { display: block; white-space: nowrap; color: var(--muted); font-size: 11.5px; }
.labels { display: block; color: var(--muted); font-size: 11.5px; overflow-wrap: anywhere; }
td.share { position: relative; min-width: 70px; }
td.share .bar { position: absolute; left: 0; top: 3px; bottom: 3px; background: #ffd8a8; opacity: 0.7; }
td.share .pct { position: relative; }
#selection-title { margin: 0; font-size: 17px; font-weight: 600; word-break: break-word; }
#selection-detail { margin: 2px 0 10px; color: var(--muted); word-break: break-word; }
.toolbar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 6px; }
.toolbar input { font: inherit; padding: 4px 8px; min-width: 240px; border: 1px solid #c4c8cd; border-radius: 4px; }
.toolbar button { font: inherit; padding: 4px 10px; border: 1px solid #c4c8cd; border-radius: 4px; background: #f7f8f9; cursor: pointer; }
#search-status { color: var(--muted); }
#details { min-height: 1.45em; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#flame { width: 100%; overflow-x: hidden; }
#flame .empty { color: var(--muted); padding: 40px 0; text-align: center; }
.d3-flame-graph-label { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace !important; font-size: 11.5px !important; }
`;
