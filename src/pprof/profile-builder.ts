import {
  Function as PprofFunction,
  Label,
  Line,
  Location,
  Profile,
  Sample,
  StringTable,
  ValueType,
} from 'pprof-format';

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
 */
export class ProfileBuilder {
  private readonly strings = new StringTable();
  private readonly functions: PprofFunction[] = [];
  private readonly functionIds = new Map<string, number>();
  private readonly locations: Location[] = [];
  private readonly locationIds = new Map<string, number>();
  private readonly samples = new Map<number, Sample>();
  /** Label sets by id; id 0 is the empty set. */
  private readonly labelSets: Label[][] = [[]];
  private readonly labelSetIds = new Map<string, number>();

  constructor(private readonly shape: ProfileShape) {}

  /** Location id of a frame, creating its function and location once. */
  locationId(frame: FrameRef): number {
    const functionId = this.functionId(frame);
    const key = `${functionId}:${frame.line}`;
    let id = this.locationIds.get(key);
    if (id === undefined) {
      id = this.locations.length + 1;
      this.locations.push(
        new Location({ id, line: [new Line({ functionId, line: frame.line })] }),
      );
      this.locationIds.set(key, id);
    }
    return id;
  }

  /**
   * The id of a set of sample labels, creating it once: label sets are
   * shared by every sample that carries them. Id 0 is the empty set.
   */
  labelSetId(labels: LabelPairs): number {
    if (labels.length === 0) return 0;
    const key = labels.map(([k, v]) => `${k}=${v}`).join('\u0000');
    let id = this.labelSetIds.get(key);
    if (id === undefined) {
      id = this.labelSets.length;
      this.labelSets.push(labels.map(([k, v]) => new Label({ key: this.strings.dedup(k), str: this.strings.dedup(v) })));
      this.labelSetIds.set(key, id);
    }
    return id;
  }

  /**
   * Adds `count` samples worth `valueNs` to the stack (leaf first) with
   * label set `labelSetId`. `key` is the caller's: equal keys must mean the
   * same stack and label set.
   */
  addSample(key: number, locationIds: readonly number[], labelSetId: number, count: number, valueNs: number): void {
    const existing = this.samples.get(key);
    if (existing) {
      existing.value[0] = Number(existing.value[0]) + count;
      existing.value[1] = Number(existing.value[1]) + valueNs;
      return;
    }
    this.samples.set(
      key,
      new Sample({ locationId: locationIds.slice(), value: [count, valueNs], label: this.labelSets[labelSetId] }),
    );
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
      sample: [...this.samples.values()],
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
