'use strict';
// The profiled thread's stretches of work, and the event loop's turns between them.

/** Counts turns of the event loop (setImmediate callbacks) until stopped. */
function countTurns() {
  let turns = 0;
  let timer = setImmediate(function again() {
    turns++;
    timer = setImmediate(again);
  });
  return {
    stop() {
      clearImmediate(timer);
      return turns;
    },
  };
}

/** A ProfiledThreadCost that keeps every stretch added to it (nanoseconds). */
function costLog() {
  const stretches = [];
  return { stretches, add: (ns) => stretches.push(ns), total: () => stretches.reduce((a, b) => a + b, 0) };
}

module.exports = { countTurns, costLog };
