/** Sample-label keys, as Pyroscope reads them. */
export const SPAN_ID_LABEL = 'span_id';
export const TRACE_ID_LABEL = 'trace_id';
export const SPAN_NAME_LABEL = 'span_name';

/** Which profile of a window; `seriesName` is Pyroscope's `__name__`. */
export type ProfileKind = 'cpu' | 'wall';

export const SERIES_NAME: Readonly<Record<ProfileKind, string>> = {
  cpu: 'process_cpu',
  wall: 'wall',
};

/** One gzip'd pprof profile of a window. */
export interface EncodedProfile {
  readonly kind: ProfileKind;
  readonly seriesName: string;
  readonly gzip: Buffer;
}

/** What a window held, for indexes and logs. */
export interface WindowSummary {
  /** Samples the native sampler matched in the window, of every kind. */
  readonly samples: number;
  /** Samples in the CPU profile: all but idle ones. */
  readonly cpuSamples: number;
  readonly idleSamples: number;
  /** Samples that carry a span_id. */
  readonly labelledSamples: number;
  /** Distinct span ids. */
  readonly spans: number;
  readonly cpuNs: number;
  readonly wallNs: number;
  /** Thread CPU measured in intervals that ended idle; not in any profile. */
  readonly idleCpuNs: number;
  /** Slots whose label values were left out for breaking Pyroscope's format, one per value. */
  readonly invalidLabels: number;
}

/** A window after encoding: what every exporter takes. */
export interface EncodedWindow {
  /** Unix epoch nanoseconds. */
  readonly startEpochNs: bigint;
  readonly endEpochNs: bigint;
  /** The CPU profile first, then the wall profile when it is on. */
  readonly profiles: readonly EncodedProfile[];
  readonly summary: WindowSummary;
}

/** Total gzip'd bytes of a window. */
export function encodedBytes(window: EncodedWindow): number {
  let total = 0;
  for (const p of window.profiles) total += p.gzip.byteLength;
  return total;
}
