'use strict';
// The configurations, by name, in the order the tables show them.
const CONFIGS = ['none', 'spanprof', 'spanprof-sampler', 'datadog', 'pyroscope', 'inspector'];

const LABELS = {
  none: 'no profiler',
  spanprof: 'spanprof (span labels)',
  'spanprof-sampler': 'spanprof sampler, no OTel',
  datadog: '@datadog/pprof + contexts',
  pyroscope: '@pyroscope/nodejs',
  inspector: 'node:inspector',
  'spanprof-no-export': 'spanprof, windows not written',
  'spanprof-labels': 'spanprof, one withLabels per request',
  'spanprof-tracking': 'spanprof tracking spans, not sampling',
};

/** The profiler adapter for a configuration; loaded lazily so a child loads only its own. */
function profiler(name) {
  if (!(name in LABELS)) throw new Error(`unknown configuration ${name}; known: ${CONFIGS.join(', ')}`);
  return require(`./${name}`);
}

module.exports = { CONFIGS, LABELS, profiler };
