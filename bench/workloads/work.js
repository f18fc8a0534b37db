'use strict';
// Deterministic CPU work through a call tree five levels deep, so profilers
// walk real stacks: parse → validate/transform → score → mix → lcg.

/** The inner loop: a linear congruential generator, n steps. */
function lcg(n, seed) {
  let x = seed | 0;
  for (let i = 0; i < n; i++) x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
  return x;
}

function mix(n, seed) {
  return lcg(n, seed) ^ lcg(n, seed + 7);
}

function score(n, seed) {
  return mix(n, seed) + mix(n, seed * 3 + 1);
}

function validate(n, seed) {
  return score(n, seed) & 0xffff;
}

function transform(n, seed) {
  return score(n, seed ^ 0x5bd1) >>> 3;
}

/** One unit of work: 8 × n LCG steps (2 branches × 2 scores × 2 mixes). */
function parse(n, seed) {
  return validate(n, seed) + transform(n, seed + 1);
}

module.exports = { parse };
