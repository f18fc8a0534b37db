import {
  Function as PprofFunction,
  Label,
  Line,
  Location,
  Profile,
  Sample,
  ValueType,
} from 'pprof-format';
import { DeferredStringTable } from './deferred-string-table';

/** A frame as pprof wants it: a function and the line running in it. */
export interface FrameRef {
  readonly name: string;
  readonly fileName: string;
  /** The function's first line; 0 when unknown. */
  readonly startLine: number;
  /** The line running in this frame; 0 when unknown. */
  readonly line: number;
}

/** Sample labels as key → string value. */
export type LabelPairs = readonly (readonly [string, string])[];

export interface ProfileShape {
  /** e.g. 'cpu' or 'wall'; the unit is nanoseconds. */
  readonly valueType: string;
  readonly periodNs: number;
  readonly timeNanos: bigint;
  readonly durationNanos: bigint;
  readonly comments: readonly string[];
}

/**
 * Builds one pprof profile with two sample types, `samples/count` and
 * `<valueType>/nanoseconds`. Functions, locations and identical samples are
 * shared, so a window of a busy process stays small. Ids start at 1: pprof
 * reserves 0, and Pyroscope rejects it.
 *
 * It runs on the profiled thread once per window, mostly in code V8 has not
 * optimized, where every temporary is a heap allocation, and every byte
 * allocated brings the next scavenge closer (and with it a longer pause,
 * and a larger young generation): so no string keys per sample, stacks and
 * label lists shared rather than copied, and arrays walked by index.
 */
export class ProfileBuilder {
  private readonly strings = new DeferredStringTable();
  private readonly functions: PprofFunction[] = [];
  private readonly functionIds = new Map<string, number>();
  private readonly locations: Location[] = [];
  /** Location id by function id, for locations at a function's first line. */
  private readonly startLocations: number[] = [];
  private readonly locationIds = new Map<string, number>();
  private readonly samples: Sample[] = [];
  private readonly sampleIndex = new Map<number, number>();
  /** Label sets by id; id 0 is the empty set. */
  private readonly labelSets: Label[][] = [[]];

  constructor(private readonly shape: ProfileShape) {}

  /** Location id of a frame, creating its function and location once. */
  locationId(frame: FrameRef): number {
    const functionId = this.functionId(frame);
    const atStart = frame.line === frame.startLine;
    let id = atStart ? this.startLocations[functionId] : this.locationIds.get(`${functionId}:${frame.line}`);
    if (id === undefined) {
      id = this.locations.length + 1;
      this.locations.push(new Location({ id, line: [new Line({ functionId, line: frame.line })] }));
      if (atStart) this.startLocations[functionId] = id;
      else this.locationIds.set(`${functionId}:${frame.line}`, id);
    }
    return id;
  }

  /** A string label of this profile, for a label set (addLabelSet). */
  label(key: string, value: string): Label {
    return new Label({ key: this.strings.dedup(key), str: this.strings.dedup(value) });
  }

  /**
   * A new label set, by id, from labels made by `label`: the caller keeps
   * one id per distinct set. The array is kept, not copied. Id 0 is the
   * empty set.
   */
  addLabelSet(labels: Label[]): number {
    return labels.length === 0 ? 0 : this.labelSets.push(labels) - 1;
  }

  /**
   * Adds `count` samples worth `valueNs` to the stack (leaf first) with
   * label set `labelSetId`. `key` is the caller's: equal keys must mean the
   * same stack and label set. The stack is kept, not copied: it must not
   * change afterwards.
   */
  addSample(key: number, locationIds: readonly number[], labelSetId: number, count: number, valueNs: number): void {
    const at = this.sampleIndex.get(key);
    if (at !== undefined) {
      const value = this.samples[at].value;
      value[0] = Number(value[0]) + count;
      value[1] = Number(value[1]) + valueNs;
      return;
    }
    // The label list is set after construction: the constructor would copy it.
    const sample = new Sample({ locationId: locationIds as number[], value: [count, valueNs] });
    sample.label = this.labelSets[labelSetId];
    this.sampleIndex.set(key, this.samples.push(sample) - 1);
  }

  build(): Profile {
    const s = this.strings;
    const valueType = s.dedup(this.shape.valueType);
    const nanoseconds = s.dedup('nanoseconds');
    return new Profile({
      sampleType: [
        new ValueType({ type: s.dedup('samples'), unit: s.dedup('count') }),
        new ValueType({ type: valueType, unit: nanoseconds }),
      ],
      sample: this.samples,
      location: this.locations,
      function: this.functions,
      stringTable: s,
      timeNanos: this.shape.timeNanos,
      durationNanos: this.shape.durationNanos,
      periodType: new ValueType({ type: valueType, unit: nanoseconds }),
      period: this.shape.periodNs,
      comment: this.shape.comments.map((c) => s.dedup(c)),
      defaultSampleType: valueType,
    });
  }

  private functionId(frame: FrameRef): number {
    const key = `${frame.name}\u0000${frame.fileName}\u0000${frame.startLine}`;
    let id = this.functionIds.get(key);
    if (id === undefined) {
      id = this.functions.length + 1;
      const name = this.strings.dedup(frame.name);
      this.functions.push(
        new PprofFunction({
          id,
          name,
          systemName: name,
          filename: this.strings.dedup(frame.fileName),
          startLine: frame.startLine,
        }),
      );
      this.functionIds.set(key, id);
    }
    return id;
  }
}
