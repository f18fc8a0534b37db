import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { ProfileSet, StackWeight } from './model';
import { pageLibraries } from './page/libraries';
import type { PageData, PageWeights } from './page/page-data';
import { pageScript } from './page/page-script';
import { REPORT_CSS } from './page/styles';

export interface RenderOptions {
  /** When the report was made; default now. */
  readonly generatedAt?: Date;
}

/**
 * One self-contained HTML page: the profile data as JSON, the flame-graph
 * library, and the page script (built from src/report-page/), all inline. A
 * Content-Security-Policy lets only those exact scripts run (by hash) and
 * forbids every fetch, so the page works offline and a string in the
 * profiles cannot become code.
 */
export function renderReportHtml(set: ProfileSet, options: RenderOptions = {}): string {
  const data = pageData(set, options.generatedAt ?? new Date());
  const scripts = [
    ...pageLibraries().map((lib) => ({ comment: `${lib.name} ${lib.version} (${lib.license})`, source: lib.source })),
    { comment: 'spanprof report page', source: pageScript() },
  ].map((s) => ({ ...s, source: scriptText(s.source) }));

  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map((s) => `'sha256-${sha256(s.source)}'`).join(' ')}`,
    // d3-flame-graph adds its own <style> element when it loads.
    "style-src 'unsafe-inline'",
    "img-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="spanprof">
<title>spanprof report</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
  <h1><span class="product">spanprof</span> · <span id="source"></span></h1>
  <p id="summary"></p>
  <div id="warnings" role="alert" hidden></div>
</header>
<main>
  <section id="spans-panel" aria-label="Spans">
    <table>
      <thead>
        <tr>
          <th id="sort-name" aria-sort="none"><button type="button" id="sort-name-button">Span name / span id</button></th>
          <th id="sort-spans" class="num" aria-sort="none"><button type="button" id="sort-spans-button">Spans</button></th>
          <th id="sort-cpu" class="num" aria-sort="descending"><button type="button" id="sort-cpu-button">CPU</button></th>
          <th id="sort-samples" class="num" aria-sort="none"><button type="button" id="sort-samples-button">Samples</button></th>
          <th class="num">Share</th>
        </tr>
      </thead>
      <tbody id="spans-body"></tbody>
    </table>
  </section>
  <section id="graph-panel" aria-label="Flame graph">
    <h2 id="selection-title"></h2>
    <p id="selection-detail"></p>
    <div class="toolbar">
      <input id="search" type="search" placeholder="Search functions and files" aria-label="Search functions and files" autocomplete="off" spellcheck="false">
      <button type="button" id="search-clear">Clear</button>
      <button type="button" id="reset-zoom">Reset zoom</button>
      <span id="search-status" aria-live="polite"></span>
    </div>
    <div id="details"></div>
    <div id="flame"></div>
  </section>
</main>
<script type="application/json" id="spanprof-data">${jsonForHtml(data)}</script>
${scripts.map((s) => `<!-- ${s.comment} -->\n<script>${s.source}</script>`).join('\n')}
</body>
</html>
`;
}

/** The report's data: the profile set, flattened for the page. */
export function pageData(set: ProfileSet, generatedAt: Date): PageData {
  return {
    version: 1,
    source: path.basename(path.resolve(set.directory)),
    generatedAt: generatedAt.toISOString(),
    startMs: set.startMs,
    endMs: set.endMs,
    cpuNs: set.cpuNs,
    samples: set.samples,
    files: set.files,
    warnings: set.warnings,
    label: set.label ?? '',
    frames: {
      names: set.frames.map((f) => f.name),
      files: set.frames.map((f) => f.file),
      lines: set.frames.map((f) => f.line),
    },
    tree: { parent: set.tree.parent, frame: set.tree.frame },
    spans: set.spans.map((s) => ({
      id: s.spanId,
      trace: s.traceId,
      name: s.spanName,
      startMs: s.startMs,
      endMs: s.endMs,
      labels: s.labels,
      ...weights(s.cpuNs, s.samples, s.stacks),
    })),
    unlabelled: weights(set.unlabelled.cpuNs, set.unlabelled.samples, set.unlabelled.stacks),
  };
}

function weights(cpuNs: number, samples: number, stacks: readonly StackWeight[]): PageWeights {
  const flat: number[] = [];
  for (const w of stacks) flat.push(w.node, w.samples, w.cpuNs);
  return { cpuNs, samples, weights: flat };
}

/**
 * JSON that cannot end its <script> block or open a comment: every `<`,
 * `>` and `&` becomes a \u escape, which JSON.parse reads back unchanged.
 */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Script source made safe to inline. In JavaScript `</script` can only sit
 * in a string, a regular expression or a comment, where `<\/script` means
 * the same. An HTML comment opener would change how the parser reads the
 * rest of the block and has no such rewrite, so it is refused.
 */
function scriptText(source: string): string {
  const text = source.replace(/<\/(script)/gi, '<\\/$1');
  if (text.includes('<!--')) throw new Error('an inlined script contains "<!--"');
  return text;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}
