/**
 * The few browser interfaces the report page uses. The package compiles for
 * Node, without the DOM library; declaring only what the page touches keeps
 * those types out of every other file and still checks the page's code.
 */

export interface PageEvent {
  readonly key?: string;
  preventDefault(): void;
}

export interface PageElement {
  textContent: string | null;
  className: string;
  hidden: boolean;
  title: string;
  value: string;
  type: string;
  readonly clientWidth: number;
  readonly classList: {
    add(...tokens: string[]): void;
    remove(...tokens: string[]): void;
    toggle(token: string, force?: boolean): boolean;
  };
  readonly style: { setProperty(name: string, value: string): void };
  setAttribute(name: string, value: string): void;
  append(...nodes: (PageElement | string)[]): void;
  replaceChildren(...nodes: (PageElement | string)[]): void;
  addEventListener(type: string, listener: (event: PageEvent) => void): void;
  focus(): void;
}

export interface PageDocument {
  getElementById(id: string): PageElement | null;
  createElement(tag: string): PageElement;
}

export interface PageWindow {
  addEventListener(type: string, listener: () => void): void;
  setTimeout(callback: () => void, ms: number): number;
  clearTimeout(id: number): void;
}

/** d3's selection, as far as the flame graph needs it. */
export interface D3Selection {
  datum(data: unknown): D3Selection;
  call(callback: (selection: D3Selection) => void): D3Selection;
}

export interface D3 {
  select(element: PageElement): D3Selection;
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
  setDetailsElement(element: PageElement): FlameChart;
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
