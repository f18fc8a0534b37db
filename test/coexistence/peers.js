'use strict';
// The peer profilers installed by scripts/install-coexist.sh into this
// folder's own node_modules, kept apart from spanprof's dependencies.
const path = require('node:path');

const INSTALL_HINT = 'run scripts/install-coexist.sh to install it';

/** @datadog/pprof, or { missing } with the reason it cannot be loaded. */
function datadogPprof() {
  try {
    return { pprof: require(require.resolve('@datadog/pprof', { paths: [__dirname] })) };
  } catch (err) {
    return { missing: `@datadog/pprof is not installed in ${path.basename(__dirname)}/ (${err.code ?? err.message}); ${INSTALL_HINT}` };
  }
}

module.exports = { datadogPprof };
