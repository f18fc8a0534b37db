import { NodeKind, SharedIndex, type NativeLayout } from './types';

/** This package's side of the layout: what the const enums in types.ts say. */
export const EXPECTED_LAYOUT: NativeLayout = {
  shared: {
    slot: SharedIndex.Slot,
    ticks: SharedIndex.Ticks,
    dropped: SharedIndex.Dropped,
    generation: SharedIndex.Generation,
    length: 4,
  },
  nodeKinds: { js: NodeKind.Js, root: NodeKind.Root, program: NodeKind.Program, idle: NodeKind.Idle, gc: NodeKind.Gc },
};

/**
 * How the binary's layout differs from this package's, as `name: binary vs
 * package` entries; empty when they agree. A binary of another spanprof
 * version would otherwise misread its own shared cells and node kinds.
 */
export function layoutDifferences(actual: NativeLayout | undefined): string[] {
  if (actual === undefined || actual === null || typeof actual !== 'object') return ['no layout'];
  const out: string[] = [];
  for (const group of ['shared', 'nodeKinds'] as const) {
    const expected = EXPECTED_LAYOUT[group] as Readonly<Record<string, number>>;
    const got = (actual[group] ?? {}) as Readonly<Record<string, unknown>>;
    for (const [name, value] of Object.entries(expected)) {
      if (got[name] !== value) out.push(`${group}.${name}: ${String(got[name])} vs ${value}`);
    }
  }
  return out;
}
