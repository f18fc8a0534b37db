/**
 * The parts of d3 and d3-flame-graph the page calls. Their UMD builds,
 * inlined before the page script, define the globals `d3` and `flamegraph`;
 * the package carries no type definitions for them.
 */

/** d3's selection, as far as the flame graph needs it. */
export interface D3Selection {
  datum(data: unknown): D3Selection;
  call(callback: (selection: D3Selection) => void): D3Selection;
}

export interface D3 {
  select(element: Element): D3Selection;
}

/** One frame of the data handed to d3-flame-graph. */
export interface FlameDatum {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  /** CPU nanoseconds of this frame and its callees. */
  readonly value: number;
  readonly samples: number;
  readonly children: FlameDatum[];
}

/** A node of d3's hierarchy, as d3-flame-graph passes it to callbacks. */
export interface FlameNode {
  readonly data: FlameDatum;
  readonly value: number;
}

/** d3-flame-graph's chart: the calls this page makes. */
export interface FlameChart {
  (selection: D3Selection): void;
  width(width: number): FlameChart;
  cellHeight(height: number): FlameChart;
  transitionDuration(ms: number): FlameChart;
  minFrameSize(px: number): FlameChart;
  sort(sort: boolean): FlameChart;
  setDetailsElement(element: Element): FlameChart;
  setLabelHandler(handler: (node: FlameNode) => string): FlameChart;
  setSearchMatch(match: (node: FlameNode, term: string) => boolean): FlameChart;
  setSearchHandler(handler: (results: FlameNode[], sum: number, total: number) => void): FlameChart;
  setColorMapper(mapper: (node: FlameNode, original: string) => string): FlameChart;
  search(term: string): void;
  clear(): void;
  resetZoom(): void;
  destroy(): FlameChart;
}

/** The global the d3-flame-graph UMD build defines. */
export interface FlameGraphModule {
  default(): FlameChart;
}
