import type { Profile } from 'pprof-format';

/** One pprof sample with its strings resolved. */
export interface ReadableSample {
  /** Function names, leaf first. */
  readonly stack: readonly string[];
  /** The line of each frame, leaf first; 0 when unknown. */
  readonly lines: readonly number[];
  /** String labels by key. */
  readonly labels: Readonly<Record<string, string>>;
  readonly values: readonly number[];
}

export interface ReadableValueType {
  readonly type: string;
  readonly unit: string;
}

function text(profile: Profile, index: number | bigint): string {
  return profile.stringTable.strings[Number(index)] ?? '';
}

export function sampleTypesOf(profile: Profile): ReadableValueType[] {
  return profile.sampleType.map((t) => ({ type: text(profile, t.type), unit: text(profile, t.unit) }));
}

/** Every sample with names, lines and labels resolved: for tools and tests. */
export function readSamples(profile: Profile): ReadableSample[] {
  const functions = new Map<number, string>();
  for (const f of profile.function) functions.set(Number(f.id), text(profile, f.name));
  const locations = new Map<number, { name: string; line: number }>();
  for (const loc of profile.location) {
    const first = loc.line[0];
    locations.set(Number(loc.id), {
      name: first ? functions.get(Number(first.functionId)) ?? '' : '',
      line: first ? Number(first.line) : 0,
    });
  }
  return profile.sample.map((s) => {
    const frames = s.locationId.map((id) => locations.get(Number(id)) ?? { name: '', line: 0 });
    const labels: Record<string, string> = {};
    for (const l of s.label) if (Number(l.str) !== 0) labels[text(profile, l.key)] = text(profile, l.str);
    return {
      stack: frames.map((f) => f.name),
      lines: frames.map((f) => f.line),
      labels,
      values: s.value.map(Number),
    };
  });
}
