/**
 * The aggregate of a directory of CPU profiles, as the report and the `top`
 * table read it. Stacks are stored once, as a prefix tree shared by every
 * span; a span keeps only the weight it put on each leaf. That keeps a
 * directory with thousands of short spans small, and lets any selection
 * (one span, one span name, the whole service) be summed in one pass.
 */

/** A function as the report shows it. */
export interface Frame {
  readonly name: string;
  /** Script path or URL; '' for frames that are not JavaScript. */
  readonly file: string;
  /**
   * The function's first line when the profile states it; otherwise the
   * line inside it that took the most CPU (the call it was making); 0 when
   * neither is known.
   */
  readonly line: number;
}

/**
 * Every distinct stack as one tree. Node 0 is the root and has no frame
 * (`frame[0] === -1`); every other node's parent has a smaller index, so a
 * reverse pass over the nodes sums children into parents.
 */
export interface StackTree {
  readonly parent: readonly number[];
  /** Index into `ProfileSet.frames`. */
  readonly frame: readonly number[];
}

/** The weight some samples put on one leaf of the stack tree. */
export interface StackWeight {
  readonly node: number;
  readonly samples: number;
  readonly cpuNs: number;
}

/** Samples that share a span: one (span_name, span_id) pair. */
export interface SpanProfile {
  /** 16 hex chars, as the samples carry it. */
  readonly spanId: string;
  /** 32 hex chars; '' when the samples carry none. */
  readonly traceId: string;
  /** '' when the samples carry no span name. */
  readonly spanName: string;
  readonly cpuNs: number;
  readonly samples: number;
  /**
   * Epoch milliseconds: the start of the first and the end of the last
   * profile window holding its samples (samples carry no time of their
   * own). 0 when the profiles state no time.
   */
  readonly startMs: number;
  readonly endMs: number;
  /** Custom labels its samples carry, as `key=value`, sorted. */
  readonly labels: readonly string[];
  readonly stacks: readonly StackWeight[];
}

/** Samples with no span label: code that ran outside every span. */
export interface UnlabelledProfile {
  readonly cpuNs: number;
  readonly samples: number;
  readonly stacks: readonly StackWeight[];
}

/** What was found in the directory, by file. */
export interface FileCounts {
  /** CPU profiles read (sample type `cpu/nanoseconds`). */
  readonly cpu: number;
  /** Wall-clock profiles, recognised and left out of the CPU view. */
  readonly wall: number;
  /** Profiles of another kind (neither CPU nor wall), left out. */
  readonly other: number;
  /** Files that could not be read or decoded, skipped with a warning. */
  readonly corrupt: number;
}

export interface ProfileSet {
  /** The directory as it was given. */
  readonly directory: string;
  readonly frames: readonly Frame[];
  readonly tree: StackTree;
  /** Sorted by CPU, most first. */
  readonly spans: readonly SpanProfile[];
  readonly unlabelled: UnlabelledProfile;
  /** Every CPU sample of the directory, labelled or not. */
  readonly cpuNs: number;
  readonly samples: number;
  /** Epoch milliseconds covered by the CPU profiles; 0 when unknown. */
  readonly startMs: number;
  readonly endMs: number;
  readonly files: FileCounts;
  /** One line per skipped file, naming it and why. */
  readonly warnings: readonly string[];
  /** `key=value` when only samples with that custom label were read. */
  readonly label?: string;
}

/** Which samples a flame graph or a table shows. */
export type Selection =
  | { readonly kind: 'all' }
  | { readonly kind: 'span'; readonly spanId: string }
  | { readonly kind: 'name'; readonly spanName: string }
  | { readonly kind: 'unlabelled' };

/** A node of a merged call tree, for one selection. */
export interface CallNode {
  /** Index into `ProfileSet.frames`; -1 for the root. */
  readonly frame: number;
  readonly name: string;
  readonly file: string;
  readonly line: number;
  /** This frame and everything it called. */
  readonly cpuNs: number;
  readonly samples: number;
  /** Samples whose leaf is this frame. */
  readonly selfCpuNs: number;
  readonly selfSamples: number;
  /** Most CPU first. */
  readonly children: readonly CallNode[];
}
