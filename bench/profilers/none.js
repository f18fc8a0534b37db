'use strict';
// The baseline: the same process with no profiler.
module.exports = {
  create() {
    return {
      spanProcessors: [],
      start() {},
      async rotateNow() {},
      resetWindows() {},
      windows: () => ({ count: 0 }),
      async stop() {},
    };
  },
};
