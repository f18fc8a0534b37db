'use strict';
// spanprof's default setup with the directory writes left out: windows are
// collected, labelled and encoded as usual, then dropped. Only the window
// rotation test uses it, to tell the profiler's own memory from the
// exporter's.
const path = require('node:path');
const { dist } = require('../lib/paths');
const { DirectoryExporter } = require(path.join(dist, 'internal'));
const spanprof = require('./spanprof');

module.exports = {
  create(options) {
    DirectoryExporter.prototype.export = function () {};
    return spanprof.create(options);
  },
};
