import type { Profile } from 'pprof-format';
import type { DecodedProfile } from './decode-file';
import type { Frame, SpanProfile, StackTree, StackWeight, UnlabelledProfile } from './model';

/** Sample-label keys the exporter writes (Pyroscope's names). */
const SPAN_ID = 'span_id';
const TRACE_ID = 'trace_id';
const SPAN_NAME = 'span_name';

/** Values kept per label key to name in a hint. */
const MAX_SEEN_VALUES = 5;

/** One custom label, `key=value`, that a sample must carry. */
export interface LabelFilter {
  readonly key: string;
  readonly value: string;
}

/** Stands in for a sample that has no location, so its CPU is not lost. */
const NO_STACK: FrameKey = { name: '(no stack)', file: '', startLine: 0 };

interface FrameKey {
  readonly name: string;
  readonly file: string;
  readonly startLine: number;
}

/** One frame of a pprof location: a function and the line running in it. */
interface LocatedFrame {
  readonly frame: number;
  readonly line: number;
}

class Weights {
  samples = 0;
  cpuNs = 0;
  /** Leaf node → [samples, cpuNs]. */
  readonly byLeaf = new Map<number, [number, number]>();

  add(leaf: number, samples: number, cpuNs: number): void {
    this.samples += samples;
    this.cpuNs += cpuNs;
    const w = this.byLeaf.get(leaf);
    if (w) {
      w[0] += samples;
      w[1] += cpuNs;
    } else this.byLeaf.set(leaf, [samples, cpuNs]);
  }

  stacks(): StackWeight[] {
    const out: StackWeight[] = [];
    for (const [node, [samples, cpuNs]] of this.byLeaf) out.push({ node, samples, cpuNs });
    return out.sort((a, b) => a.node - b.node);
  }
}

class SpanWeights extends Weights {
  startMs = Infinity;
  endMs = 0;
  /** Custom labels its samples carry, as `key=value`. */
  readonly labels = new Set<string>();
  constructor(
    readonly spanId: string,
    readonly traceId: string,
    readonly spanName: string,
  ) {
    super();
  }
}

/**
 * Merges CPU profiles into one stack tree with per-span weights. Functions
 * are told apart by name, file and start line; the line inside a function
 * (which differs per call site) does not split a frame, so a function that
 * calls two things shows as one frame with two children, as in Pyroscope.
 */
export class ProfileAggregator {
  /** Samples without this custom label are left out. */
  private readonly only: LabelFilter | undefined;
  /** Custom labels seen, key → values (a few per key), to say what exists when a filter matches nothing. */
  private readonly seen = new Map<string, Set<string>>();
  private matched = 0;
  private readonly frames: FrameKey[] = [];
  private readonly frameIds = new Map<string, number>();
  /** Per frame, CPU by line, for frames whose start line is unknown. */
  private readonly lineCpu: (Map<number, number> | undefined)[] = [];
  private readonly parent: number[] = [-1];
  private readonly nodeFrame: number[] = [-1];
  private readonly children: (Map<number, number> | undefined)[] = [undefined];
  private readonly spans = new Map<string, SpanWeights>();
  private readonly unlabelled = new Weights();
  private startMs = Infinity;
  private endMs = 0;

  constructor(options: { readonly label?: LabelFilter } = {}) {
    this.only = options.label;
  }

  /** Samples that passed the label filter (all samples without one). */
  get matchedSamples(): number {
    return this.matched;
  }

  /** Custom labels seen, as `key=value`, a few values per key. */
  seenLabels(): string[] {
    const out: string[] = [];
    for (const [key, values] of this.seen) for (const v of values) out.push(`${key}=${v}`);
    return out;
  }

  add(decoded: DecodedProfile): void {
    const { profile, countIndex, valueIndex } = decoded;
    const strings = profile.stringTable.strings;
    const text = (i: number | bigint): string => strings[Number(i)] ?? '';
    const locations = this.locationFrames(profile, text);
    const [startMs, endMs] = windowBounds(profile);
    if (startMs > 0) {
      this.startMs = Math.min(this.startMs, startMs);
      this.endMs = Math.max(this.endMs, endMs);
    }

    for (const sample of profile.sample) {
      const samples = countIndex >= 0 ? Number(sample.value[countIndex]) : 1;
      const cpuNs = Number(sample.value[valueIndex]);
      if (samples === 0 && cpuNs === 0) continue;

      let spanId = '';
      let traceId = '';
      let spanName = '';
      let custom: string[] | undefined;
      let passes = this.only === undefined;
      for (const label of sample.label) {
        const key = text(label.key);
        const value = text(label.str);
        if (key === SPAN_ID) spanId = value;
        else if (key === TRACE_ID) traceId = value;
        else if (key === SPAN_NAME) spanName = value;
        else if (value !== '') {
          (custom ??= []).push(`${key}=${value}`);
          this.see(key, value);
          if (!passes && key === this.only?.key && value === this.only.value) passes = true;
        }
      }
      if (!passes) continue;
      this.matched += samples;

      // pprof lists locations leaf first; the tree is walked from the root.
      let node = 0;
      let depth = 0;
      for (let i = sample.locationId.length - 1; i >= 0; i--) {
        const frames = locations.get(Number(sample.locationId[i]));
        if (!frames) continue;
        // Within a location, the last line is the caller of the inlined ones.
        for (let j = frames.length - 1; j >= 0; j--) {
          const f = frames[j];
          node = this.child(node, f.frame);
          depth++;
          if (f.line > 0) this.addLineCpu(f.frame, f.line, cpuNs);
        }
      }
      if (depth === 0) node = this.child(0, this.frameId(NO_STACK));

      if (spanId === '') {
        this.unlabelled.add(node, samples, cpuNs);
        continue;
      }
      const spanKey = `${spanName}\u0000${spanId}`;
      let span = this.spans.get(spanKey);
      if (!span) {
        span = new SpanWeights(spanId, traceId, spanName);
        this.spans.set(spanKey, span);
      }
      span.add(node, samples, cpuNs);
      if (custom !== undefined) for (const pair of custom) span.labels.add(pair);
      if (startMs > 0) {
        span.startMs = Math.min(span.startMs, startMs);
        span.endMs = Math.max(span.endMs, endMs);
      }
    }
  }

  result(): {
    frames: Frame[];
    tree: StackTree;
    spans: SpanProfile[];
    unlabelled: UnlabelledProfile;
    cpuNs: number;
    samples: number;
    startMs: number;
    endMs: number;
  } {
    const frames = this.frames.map((f, i) => ({
      name: f.name,
      file: f.file,
      line: f.startLine > 0 ? f.startLine : hottestLine(this.lineCpu[i]),
    }));
    const spans: SpanProfile[] = [...this.spans.values()].map((s) => ({
      spanId: s.spanId,
      traceId: s.traceId,
      spanName: s.spanName,
      cpuNs: s.cpuNs,
      samples: s.samples,
      startMs: Number.isFinite(s.startMs) ? s.startMs : 0,
      endMs: s.endMs,
      labels: [...s.labels].sort(),
      stacks: s.stacks(),
    }));
    spans.sort(
      (a, b) =>
        b.cpuNs - a.cpuNs ||
        b.samples - a.samples ||
        compareText(a.spanName, b.spanName) ||
        compareText(a.spanId, b.spanId),
    );
    let cpuNs = this.unlabelled.cpuNs;
    let samples = this.unlabelled.samples;
    for (const s of spans) {
      cpuNs += s.cpuNs;
      samples += s.samples;
    }
    return {
      frames,
      tree: { parent: this.parent.slice(), frame: this.nodeFrame.slice() },
      spans,
      unlabelled: {
        cpuNs: this.unlabelled.cpuNs,
        samples: this.unlabelled.samples,
        stacks: this.unlabelled.stacks(),
      },
      cpuNs,
      samples,
      startMs: Number.isFinite(this.startMs) ? this.startMs : 0,
      endMs: this.endMs,
    };
  }

  /** Location id → its frames, innermost first, for one profile. */
  private locationFrames(
    profile: Profile,
    text: (i: number | bigint) => string,
  ): Map<number, LocatedFrame[]> {
    const functions = new Map<number, number>();
    for (const fn of profile.function) {
      functions.set(
        Number(fn.id),
        this.frameId({
          name: text(fn.name) || text(fn.systemName) || '(unknown)',
          file: text(fn.filename),
          startLine: Math.max(0, Number(fn.startLine)),
        }),
      );
    }
    const out = new Map<number, LocatedFrame[]>();
    for (const loc of profile.location) {
      const frames: LocatedFrame[] = [];
      for (const line of loc.line) {
        const frame = functions.get(Number(line.functionId));
        if (frame !== undefined) frames.push({ frame, line: Math.max(0, Number(line.line)) });
      }
      if (frames.length === 0) {
        // A location with no symbol: keep its address so the time still shows.
        const address = Number(loc.address);
        const name = address > 0 ? `0x${address.toString(16)}` : '(unknown)';
        frames.push({ frame: this.frameId({ name, file: '', startLine: 0 }), line: 0 });
      }
      out.set(Number(loc.id), frames);
    }
    return out;
  }

  private see(key: string, value: string): void {
    let values = this.seen.get(key);
    if (values === undefined) {
      values = new Set();
      this.seen.set(key, values);
    }
    if (values.size < MAX_SEEN_VALUES) values.add(value);
  }

  private frameId(key: FrameKey): number {
    const k = `${key.name}\u0000${key.file}\u0000${key.startLine}`;
    let id = this.frameIds.get(k);
    if (id === undefined) {
      id = this.frames.length;
      this.frames.push(key);
      this.lineCpu.push(undefined);
      this.frameIds.set(k, id);
    }
    return id;
  }

  private addLineCpu(frame: number, line: number, cpuNs: number): void {
    if (this.frames[frame].startLine > 0) return;
    let lines = this.lineCpu[frame];
    if (!lines) {
      lines = new Map();
      this.lineCpu[frame] = lines;
    }
    lines.set(line, (lines.get(line) ?? 0) + cpuNs);
  }

  private child(node: number, frame: number): number {
    let kids = this.children[node];
    if (!kids) {
      kids = new Map();
      this.children[node] = kids;
    }
    let id = kids.get(frame);
    if (id === undefined) {
      id = this.parent.length;
      this.parent.push(node);
      this.nodeFrame.push(frame);
      this.children.push(undefined);
      kids.set(frame, id);
    }
    return id;
  }
}

/** A profile's window as epoch milliseconds; [0, 0] when it states none. */
function windowBounds(profile: Profile): [number, number] {
  const start = BigInt(profile.timeNanos);
  if (start <= 0n) return [0, 0];
  const duration = BigInt(profile.durationNanos);
  const end = start + (duration > 0n ? duration : 0n);
  return [Number(start / 1000n) / 1000, Number(end / 1000n) / 1000];
}

function hottestLine(lines: Map<number, number> | undefined): number {
  let best = 0;
  let bestCpu = -1;
  for (const [line, cpu] of lines ?? []) {
    if (cpu > bestCpu || (cpu === bestCpu && line < best)) {
      best = line;
      bestCpu = cpu;
    }
  }
  return best;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
