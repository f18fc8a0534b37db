'use strict';
// spanprof's default setup with one withLabels per request: a tenant label
// of 50 values, merged beside the span labels.
const { dist } = require('../lib/paths');
const spanprof = require(dist);
const base = require('./spanprof');

const TENANTS = Array.from({ length: 50 }, (_, i) => ({ tenant: `t${i}` }));

module.exports = {
  create(options) {
    const p = base.create(options);
    return { ...p, around: (seq, fn) => spanprof.withLabels(TENANTS[seq % TENANTS.length], fn) };
  },
};
