'use strict';
// Order statistics for the reports: medians and ranges over rounds,
// percentiles over latencies.

function sorted(values) {
  return Float64Array.from(values).sort();
}

/** Nearest-rank percentile, q in [0, 1]. */
function quantile(values, q) {
  if (values.length === 0) return NaN;
  const s = values instanceof Float64Array && isSorted(values) ? values : sorted(values);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

function isSorted(a) {
  for (let i = 1; i < a.length; i++) if (a[i - 1] > a[i]) return false;
  return true;
}

function median(values) {
  if (values.length === 0) return NaN;
  const s = sorted(values);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** { median, min, max, n } of finite values; null when there are none. */
function spread(values) {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return null;
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length };
}

module.exports = { quantile, median, spread, sorted };
