'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { retryDelayMs, parseRetryAfter, DEFAULT_BACKOFF } = require('../dist/internal');

test('exponential, capped, with half of each delay random', () => {
  const policy = { initialDelayMs: 1000, maxDelayMs: 8000, maxRetryAfterMs: 60_000 };
  const low = () => 0;
  const high = () => 0.999999;
  assert.equal(retryDelayMs(policy, 1, undefined, low), 500);
  assert.ok(Math.abs(retryDelayMs(policy, 1, undefined, high) - 1000) < 1);
  assert.equal(retryDelayMs(policy, 3, undefined, low), 2000);
  assert.equal(retryDelayMs(policy, 10, undefined, low), 4000, 'capped at maxDelayMs');
  assert.ok(retryDelayMs(policy, 50, undefined, high) <= 8000);
});

test('Retry-After wins when longer, within its own cap', () => {
  const policy = { initialDelayMs: 1000, maxDelayMs: 8000, maxRetryAfterMs: 60_000 };
  assert.equal(retryDelayMs(policy, 1, 5000, () => 0), 5000);
  assert.equal(retryDelayMs(policy, 1, 10, () => 0), 500, 'a shorter Retry-After does not shorten the backoff');
  assert.equal(retryDelayMs(policy, 1, 3_600_000, () => 0), 60_000);
  assert.equal(DEFAULT_BACKOFF.maxRetryAfterMs, 300_000);
});

test('Retry-After in seconds or as an HTTP date', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('7', now), 7000);
  assert.equal(parseRetryAfter(['3'], now), 3000);
  assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});
