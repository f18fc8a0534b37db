import type { Label, Profile } from 'pprof-format';
import { NodeKind } from '../native/types';
import type { FrameMapper } from '../sourcemap/types';
import type { ProfileWindow, SpanLabels } from '../window/profile-window';
import {
  SPAN_ID_LABEL,
  SPAN_NAME_LABEL,
  TRACE_ID_LABEL,
  type WindowSummary,
} from './encoded-window';
import {
  GC_FRAME,
  IDLE_FRAME,
  PROGRAM_FRAME,
  functionDisplayName,
} from './frame-names';
import { ProfileBuilder, type LabelPairs } from './profile-builder';


/**
 * Pyroscope refuses label values longer than this by default, counted in
 * UTF-8 bytes; one value too long refuses the whole window.
 */
export const MAX_LABEL_VALUE_LENGTH = 2048;

/** UTF-8 bytes of `s`, lone surrogates as the 3 bytes of U+FFFD they are encoded as. */
function utf8Length(s: string): number {
  // A UTF-16 unit is at least one byte: past the bound, no need to count.
  return s.length > MAX_LABEL_VALUE_LENGTH ? s.length : Buffer.byteLength(s, 'utf8');
}

const SPAN_ID_FORMAT = /^[0-9a-f]{16}$/;
const TRACE_ID_FORMAT = /^[0-9a-f]{32}$/;

export interface WindowProfiles {
  readonly cpu: Profile;
  readonly wall?: Profile;
  readonly summary: WindowSummary;
}

/** A node's function, fixed for the window. */
export interface NodeFunction {
  readonly name: string;
  readonly fileName: string;
  readonly startLine: number;
}

/**
 * The function of every node of the window, undefined for the root. This is
 * the only step that needs the frame mapper, so it runs where the mapper
 * lives, and the rest of the build can run on another thread.
 */
export function nodeFunctions(window: ProfileWindow, frames: FrameMapper | undefined): (NodeFunction | undefined)[] {
  const nodeCount = window.raw.nodes.parent.length;
  const functions = new Array<NodeFunction | undefined>(nodeCount);
  for (let i = 0; i < nodeCount; i++) functions[i] = nodeFunction(window, i, frames);
  return functions;
}

/**
 * Turns a closed window into pprof profiles, its nodes' functions resolved
 * (nodeFunctions).
 *
 * Stacks: the node table is V8's call tree in leaf-node mode: one node per
 * function on a path, with the function's start line and column. Functions
 * carry that start line, and so do their locations: V8 does not say, per
 * sample, which line of a function was running, and a line that is only
 * sometimes right would mislead more than the function's own line.
 *
 * Special nodes, on purpose:
 * - `(root)` is dropped from every stack.
 * - `(program)` (V8 busy outside JavaScript: compiling, runtime, native code)
 *   and `(garbage collector)` are one-frame stacks with their CPU time and
 *   the span label of the slot that was published: that work was done for
 *   the code that ran.
 * - Idle samples (the event loop waiting) are left out of the CPU profile:
 *   waiting is not CPU. Their measured thread CPU is counted in the summary
 *   as `idleCpuNs`. In the wall profile they are an `(idle)` stack with no
 *   span label, since many requests wait at once and none owns the wait.
 */
export function buildWithFunctions(
  window: ProfileWindow,
  functions: readonly (NodeFunction | undefined)[],
  withWall: boolean,
): WindowProfiles {
  const build = new WindowBuild(window, functions, withWall);
  build.addSamples(0, build.sampleCount);
  return build.finish();
}

/**
 * buildWithFunctions in steps: samples are added a run at a time, so the
 * caller can yield between runs.
 */
export class WindowBuild {
  readonly sampleCount: number;
  private readonly cpu: StackedProfile;
  private readonly wall: StackedProfile | undefined;
  private readonly labels: SlotLabels;
  private cpuSamples = 0;
  private idleSamples = 0;
  private labelledSamples = 0;
  private cpuNs = 0;
  private wallNs = 0;
  private idleCpuNs = 0;

  constructor(
    private readonly window: ProfileWindow,
    functions: readonly (NodeFunction | undefined)[],
    withWall: boolean,
  ) {
    const timeNanos = window.startEpochNs;
    const durationNanos =
      window.endEpochNs > window.startEpochNs ? window.endEpochNs - window.startEpochNs : 0n;
    const comments = windowComments(window);
    const profile = (valueType: 'cpu' | 'wall'): StackedProfile =>
      new StackedProfile(
        new ProfileBuilder({ valueType, periodNs: window.periodNs, timeNanos, durationNanos, comments }),
        window,
        functions,
        valueType === 'wall',
      );
    this.cpu = profile('cpu');
    this.wall = withWall ? profile('wall') : undefined;
    this.labels = new SlotLabels(window.labels);
    this.sampleCount = window.raw.samples.node.length;
  }

  /** Adds samples `from` (inclusive) to `to` (exclusive). */
  addSamples(from: number, to: number): void {
    const { nodes, samples } = this.window.raw;
    const nodeCount = nodes.parent.length;
    const { cpu, wall, labels } = this;
    for (let i = from; i < to; i++) {
      const node = samples.node[i];
      if (node < 0 || node >= nodeCount) continue;
      const sampleCpu = Math.round(samples.cpuNs[i]);
      const sampleWall = Math.round(samples.wallNs[i]);
      this.wallNs += sampleWall;
      if ((nodes.kind[node] as NodeKind) === NodeKind.Idle) {
        this.idleSamples++;
        this.idleCpuNs += sampleCpu;
        wall?.add(node, UNLABELLED, sampleWall);
        continue;
      }
      const slotLabels = labels.of(samples.slot[i]);
      if (slotLabels.spanId !== undefined) this.labelledSamples++;
      this.cpuSamples++;
      this.cpuNs += sampleCpu;
      cpu.add(node, slotLabels, sampleCpu);
      wall?.add(node, slotLabels, sampleWall);
    }
  }

  finish(): WindowProfiles {
    return {
      cpu: this.cpu.build(),
      wall: this.wall?.build(),
      summary: {
        samples: this.sampleCount,
        cpuSamples: this.cpuSamples,
        idleSamples: this.idleSamples,
        labelledSamples: this.labelledSamples,
        spans: this.labels.spanCount,
        cpuNs: this.cpuNs,
        wallNs: this.wallNs,
        idleCpuNs: this.idleCpuNs,
        invalidLabels: this.labels.invalid,
      },
    };
  }
}

/**
 * One profile under construction, with each node's stack and each slot's
 * label set resolved once: a sample then costs two lookups by number.
 */
class StackedProfile {
  /** Each leaf's stack of location ids, built once; samples share it. */
  private readonly stacks: (number[] | undefined)[];
  /** Each node's location id; 0 until resolved, -1 for a node without a function. */
  private readonly nodeLocations: Int32Array;
  private readonly nodeCount: number;

  constructor(
    private readonly builder: ProfileBuilder,
    private readonly window: ProfileWindow,
    private readonly functions: readonly (NodeFunction | undefined)[],
    /** Which of a label set's two ids (cpuSetId, wallSetId) is this profile's. */
    private readonly isWall: boolean,
  ) {
    this.nodeCount = window.raw.nodes.parent.length;
    this.stacks = new Array<number[] | undefined>(this.nodeCount);
    this.nodeLocations = new Int32Array(this.nodeCount);
  }

  add(node: number, labels: ResolvedLabels, valueNs: number): void {
    const stack = this.stack(node);
    if (stack.length === 0) return;
    let labelSet = this.isWall ? labels.wallSetId : labels.cpuSetId;
    if (labelSet < 0) {
      labelSet = this.builder.addLabelSet(pprofLabels(this.builder, labels));
      if (this.isWall) labels.wallSetId = labelSet;
      else labels.cpuSetId = labelSet;
    }
    // Exact while label sets × nodes stays under 2^53: far beyond any window.
    this.builder.addSample(labelSet * this.nodeCount + node, stack, labelSet, 1, valueNs);
  }

  build(): Profile {
    return this.builder.build();
  }

  /** Location ids from the leaf up, without the root. */
  private stack(leaf: number): number[] {
    let ids = this.stacks[leaf];
    if (ids !== undefined) return ids;
    ids = [];
    const { parent } = this.window.raw.nodes;
    for (let n = leaf; n >= 0; n = parent[n]) {
      const id = this.location(n);
      if (id > 0) ids.push(id);
    }
    this.stacks[leaf] = ids;
    return ids;
  }

  private location(node: number): number {
    let id = this.nodeLocations[node];
    if (id === 0) {
      const fn = this.functions[node];
      id = fn ? this.builder.locationId({ name: fn.name, fileName: fn.fileName, startLine: fn.startLine, line: fn.startLine }) : -1;
      this.nodeLocations[node] = id;
    }
    return id;
  }
}

/** The function of one node of the window (see nodeFunctions). */
export function nodeFunction(window: ProfileWindow, node: number, frames: FrameMapper | undefined): NodeFunction | undefined {
  const { nodes, strings } = window.raw;
  switch (nodes.kind[node] as NodeKind) {
    case NodeKind.Root:
      return undefined;
    case NodeKind.Program:
      return { name: PROGRAM_FRAME, fileName: '', startLine: 0 };
    case NodeKind.Gc:
      return { name: GC_FRAME, fileName: '', startLine: 0 };
    case NodeKind.Idle:
      return { name: IDLE_FRAME, fileName: '', startLine: 0 };
    default: {
      const name = strings[nodes.name[node]] ?? '';
      const url = strings[nodes.url[node]] ?? '';
      const line = Math.max(0, nodes.line[node]);
      const column = nodes.column[node];
      if (frames && url !== '') {
        const mapped = frames.map({ name, url, line, column });
        return {
          name: functionDisplayName(mapped.name, mapped.file, mapped.line, mapped.mapped ? 0 : column),
          fileName: mapped.file,
          startLine: mapped.line,
        };
      }
      return { name: functionDisplayName(name, url, line, column), fileName: url, startLine: line };
    }
  }
}

function windowComments(window: ProfileWindow): string[] {
  const c = window.counters;
  const s = window.raw.stats;
  return [
    `spanprof window: ticks=${c.ticks} dropped_ticks=${c.droppedTicks} ` +
      `unmatched_samples=${c.unmatchedSamples} unmatched_ticks=${c.unmatchedTicks} ` +
      `unlabelled_samples=${c.unlabelledSamples} v8_samples=${s.v8Samples}`,
  ];
}

interface ResolvedLabels {
  readonly spanId?: string;
  readonly traceId?: string;
  readonly spanName?: string;
  readonly custom?: LabelPairs;
  /** The set's id in the CPU profile and in the wall profile; -1 until added there. */
  cpuSetId: number;
  wallSetId: number;
}

const UNLABELLED: ResolvedLabels = { cpuSetId: 0, wallSetId: 0 };

/**
 * Slot → label pairs, checked against Pyroscope's formats once per slot.
 * Slots with the same labels share one ResolvedLabels, so their samples
 * merge: a span's labels follow from its id unless custom labels are added.
 * Sets with a span id, nearly all of them, are matched by that id and then
 * field by field, with no key built: a window resolves one set per sampled
 * span, and all it allocates stays reachable until the window is encoded.
 */
class SlotLabels {
  invalid = 0;
  private readonly resolved = new Map<number, ResolvedLabels>();
  /** Sets with a span id, by that id: one, or a list when several share it. */
  private readonly bySpan = new Map<string, ResolvedLabels | ResolvedLabels[]>();
  private readonly byContent = new Map<string, ResolvedLabels>();

  constructor(private readonly labels: ReadonlyMap<number, SpanLabels>) {}

  /** Distinct span ids among the sets resolved so far. */
  get spanCount(): number {
    return this.bySpan.size;
  }

  of(slot: number): ResolvedLabels {
    if (slot === 0) return UNLABELLED;
    let r = this.resolved.get(slot);
    if (!r) {
      r = this.resolve(this.labels.get(slot));
      this.resolved.set(slot, r);
    }
    return r;
  }

  private resolve(labels: SpanLabels | undefined): ResolvedLabels {
    if (!labels) return UNLABELLED;
    let spanId: string | undefined;
    let traceId: string | undefined;
    let spanName: string | undefined;
    if (labels.spanId !== undefined) {
      if (SPAN_ID_FORMAT.test(labels.spanId)) spanId = labels.spanId;
      else this.invalid++;
    }
    if (labels.traceId !== undefined) {
      if (TRACE_ID_FORMAT.test(labels.traceId)) traceId = labels.traceId;
      else this.invalid++;
    }
    if (labels.spanName !== undefined) {
      const name = labels.spanName;
      if (name.length > 0 && utf8Length(name) <= MAX_LABEL_VALUE_LENGTH) spanName = name;
      else this.invalid++;
    }
    // Checked by withLabels when they were set.
    const custom = labels.custom !== undefined && labels.custom.length > 0 ? labels.custom : undefined;
    if (spanId !== undefined) return this.withSpanId(spanId, traceId, spanName, custom);
    if (traceId === undefined && spanName === undefined && custom === undefined) return UNLABELLED;
    const key = contentKey(traceId, spanName, custom);
    const known = this.byContent.get(key);
    if (known !== undefined) return known;
    const r: ResolvedLabels = { traceId, spanName, custom, cpuSetId: -1, wallSetId: -1 };
    this.byContent.set(key, r);
    return r;
  }

  private withSpanId(
    spanId: string,
    traceId: string | undefined,
    spanName: string | undefined,
    custom: LabelPairs | undefined,
  ): ResolvedLabels {
    const known = this.bySpan.get(spanId);
    if (known !== undefined) {
      if (!Array.isArray(known)) {
        if (sameLabels(known, traceId, spanName, custom)) return known;
      } else {
        for (let i = 0; i < known.length; i++) if (sameLabels(known[i], traceId, spanName, custom)) return known[i];
      }
    }
    const r: ResolvedLabels = {
      spanId,
      traceId,
      spanName,
      custom,
      cpuSetId: -1,
      wallSetId: -1,
    };
    if (known === undefined) this.bySpan.set(spanId, r);
    else if (Array.isArray(known)) known.push(r);
    else this.bySpan.set(spanId, [known, r]);
    return r;
  }
}

/** The set's labels in `builder`'s profile: span id, trace id, span name, then custom labels. */
function pprofLabels(builder: ProfileBuilder, r: ResolvedLabels): Label[] {
  const labels: Label[] = [];
  if (r.spanId !== undefined) labels.push(builder.label(SPAN_ID_LABEL, r.spanId));
  if (r.traceId !== undefined) labels.push(builder.label(TRACE_ID_LABEL, r.traceId));
  if (r.spanName !== undefined) labels.push(builder.label(SPAN_NAME_LABEL, r.spanName));
  const { custom } = r;
  if (custom !== undefined) for (let i = 0; i < custom.length; i++) labels.push(builder.label(custom[i][0], custom[i][1]));
  return labels;
}

function sameLabels(
  r: ResolvedLabels,
  traceId: string | undefined,
  spanName: string | undefined,
  custom: LabelPairs | undefined,
): boolean {
  return r.traceId === traceId && r.spanName === spanName && samePairs(r.custom, custom);
}

function samePairs(a: LabelPairs | undefined, b: LabelPairs | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i][0] !== b[i][0] || a[i][1] !== b[i][1]) return false;
  }
  return true;
}

/**
 * One string per distinct label list without a span id. Each value is
 * preceded by its length, so no value can pass for the end of one pair and
 * the start of another; label names hold no NUL (withLabels checks them).
 */
function contentKey(traceId: string | undefined, spanName: string | undefined, custom: LabelPairs | undefined): string {
  let key = `${traceId ?? ''}\u0000${spanName === undefined ? '-' : `${spanName.length}:${spanName}`}`;
  if (custom !== undefined) for (let i = 0; i < custom.length; i++) key += `\u0000${custom[i][0]}\u0000${custom[i][1].length}:${custom[i][1]}`;
  return key;
}
