/**
 * The data a report page carries, as JSON in its `<script
 * type="application/json">` block. Compact on purpose: stacks are one shared
 * prefix tree and each span lists only its leaf weights, so the page can sum
 * any selection without the file growing with the number of selections.
 */
export interface PageData {
  readonly version: 1;
  /** The profile directory's last path segment. */
  readonly source: string;
  /** ISO 8601, when the report was written. */
  readonly generatedAt: string;
  /** Epoch milliseconds covered by the profiles; 0 when unknown. */
  readonly startMs: number;
  readonly endMs: number;
  readonly cpuNs: number;
  readonly samples: number;
  readonly files: { readonly cpu: number; readonly wall: number; readonly other: number; readonly corrupt: number };
  readonly warnings: readonly string[];
  /** `key=value` when only samples with that custom label are in the report; '' otherwise. */
  readonly label: string;
  /** Functions as parallel arrays. */
  readonly frames: {
    readonly names: readonly string[];
    readonly files: readonly string[];
    readonly lines: readonly number[];
  };
  /** Node 0 is the root (frame -1); parents precede their children. */
  readonly tree: { readonly parent: readonly number[]; readonly frame: readonly number[] };
  /** Most CPU first. */
  readonly spans: readonly PageSpan[];
  readonly unlabelled: PageWeights;
}

export interface PageWeights {
  readonly cpuNs: number;
  readonly samples: number;
  /** Flat triples: leaf node, samples, CPU nanoseconds. */
  readonly weights: readonly number[];
}

export interface PageSpan extends PageWeights {
  readonly id: string;
  /** '' when the samples carry none. */
  readonly trace: string;
  /** '' when the samples carry none. */
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Custom labels its samples carry, as `key=value`. */
  readonly labels: readonly string[];
}
