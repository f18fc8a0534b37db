import {
  GREATEST_LOWER_BOUND,
  LEAST_UPPER_BOUND,
  decodedMappings,
  originalPositionFor,
  type SourceMapSegment,
  type TraceMap,
} from '@jridgewell/trace-mapping';

/** A function's start, traced back through a source map. */
export interface OriginalFrame {
  /** Resolved source: an absolute path or URL when the map allows it. */
  readonly source: string;
  /** 1-based. */
  readonly line: number;
  /** The function's name in the source, when the map records it. */
  readonly name: string | null;
}

/**
 * Characters allowed between a function's name and its start: V8 starts a
 * function at its parameter list, so `function a(` has none, and `a=(` or
 * `a = (` (an arrow function named by its variable) have one to three.
 */
const MAX_NAME_GAP = 3;

/**
 * Traces the start of a function (1-based line and column, as V8's profiler
 * gives it) through `map`. Null when the map has no mapping on that line.
 */
export function originalFrame(
  map: TraceMap,
  line: number,
  column: number,
  generatedName: string,
): OriginalFrame | null {
  if (line < 1) return null;
  const col0 = Math.max(0, column - 1);
  let pos = originalPositionFor(map, { line, column: col0, bias: GREATEST_LOWER_BOUND });
  // The line's first mapping can come after the function's start (a wrapper
  // the bundler added in front): take the next one on the line.
  if (pos.source === null) pos = originalPositionFor(map, { line, column: col0, bias: LEAST_UPPER_BOUND });
  if (pos.source === null) return null;
  return { source: pos.source, line: pos.line, name: nameBefore(map, line - 1, col0, generatedName) };
}

/**
 * The original name of the function whose generated name `generatedName`
 * ends just before `col0`. Bundlers record names on the identifiers they
 * rename, so in `function a(e){` the segment on `a` names the function. The
 * segment at the start itself is never the name: in `c=r=>r*2` it is the
 * parameter `r`, whose recorded name is the parameter's.
 */
function nameBefore(map: TraceMap, line0: number, col0: number, generatedName: string): string | null {
  if (generatedName === '') return null;
  const segments = decodedMappings(map)[line0];
  if (segments === undefined) return null;
  const earliest = col0 - generatedName.length - MAX_NAME_GAP;
  for (let i = lastBefore(segments, col0); i >= 0 && segments[i][0] >= earliest; i--) {
    const seg = segments[i];
    if (seg.length === 5 && seg[0] + generatedName.length <= col0) return map.names[seg[4]] ?? null;
  }
  return null;
}

/** Index of the last segment whose generated column is before `col0`; -1 if none. */
function lastBefore(segments: readonly SourceMapSegment[], col0: number): number {
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid][0] < col0) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
