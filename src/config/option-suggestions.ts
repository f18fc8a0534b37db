/**
 * What to say about an option spanprof does not have: the nearest real one
 * for a slip of the keyboard, and the spanprof option for each name of
 * @pyroscope/nodejs's `init()` config, so that a config moved over from it
 * fails with the way forward rather than a list.
 */

/** @pyroscope/nodejs config fields whose names differ here, and what to use. */
export const PYROSCOPE_NODEJS_OPTIONS: Readonly<Record<string, string>> = {
  appName: 'serviceName',
  tenantID: 'tenantId',
  flushIntervalMs: 'windowSeconds (in seconds: flushIntervalMs / 1000)',
  sourceMapper: 'sourceMaps: true (source maps next to the scripts are read for you)',
  heap: 'nothing: spanprof profiles CPU, and wall time with wall: true; there is no heap profile',
  shortenPaths: 'nothing: paths are always shown relative to the working directory',
  stripFilenames: 'nothing: paths are always shown relative to the working directory',
};

/** A sentence to follow "is not an option.", with a leading space; '' when nothing is near. */
export function optionSuggestion(key: string, known: Iterable<string>): string {
  const pyroscope = PYROSCOPE_NODEJS_OPTIONS[key];
  if (pyroscope !== undefined) return ` @pyroscope/nodejs's ${key} is ${pyroscope}.`;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = name.toLowerCase() === key.toLowerCase() ? 0 : editDistance(name.toLowerCase(), key.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  // Two edits at most, and fewer than a third of the name: past that, a
  // guess misleads more than the list of options helps.
  return best !== undefined && bestDistance <= Math.min(2, Math.floor(key.length / 3)) ? ` Did you mean ${best}?` : '';
}

/** Levenshtein distance, with one row of memory. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
