'use strict';
// Pyroscope bounds a label value at 2048 bytes of UTF-8 (Go's len), and one
// value over it refuses the whole upload. Names of few characters but many
// bytes must be handled as too long, before they reach the server.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const { Profile } = require('pprof-format');
const { encodeWindow, MAX_LABEL_VALUE_LENGTH, resolveConfig, ConfigError } = require('../dist/internal');
const { readSamples } = require('./support/read-pprof');
const { handWindow, Kind } = require('./support/profile-windows');

const SPAN = { spanId: '0123456789abcdef', traceId: '0123456789abcdef0123456789abcdef' };
/** Three bytes of UTF-8 each. */
const EURO = '\u20ac';

function windowWithName(spanName) {
  return handWindow({
    nodes: [
      [-1, '(root)', '', 0, 0, Kind.Root],
      [0, 'work', 'file:///app.js', 3, 1, Kind.Js],
    ],
    samples: [[1, 1, 10_000_000, 10_000_000]],
    labels: new Map([[1, { ...SPAN, spanName }]]),
  });
}

async function labelsOf(spanName) {
  const encoded = await encodeWindow(windowWithName(spanName));
  const profile = Profile.decode(zlib.gunzipSync(encoded.profiles[0].gzip));
  const [sample] = readSamples(profile);
  return { labels: sample.labels, invalid: encoded.summary.invalidLabels };
}

test('a span name within 2048 bytes of UTF-8 is kept whole', async () => {
  const name = EURO.repeat(Math.floor(MAX_LABEL_VALUE_LENGTH / 3)); // 2046 bytes
  const { labels, invalid } = await labelsOf(name);
  assert.equal(labels.span_name, name);
  assert.equal(invalid, 0);
});

test('a span name of fewer than 2048 characters but more than 2048 bytes is left out and counted', async () => {
  const name = EURO.repeat(1000); // 1000 characters, 3000 bytes
  const { labels, invalid } = await labelsOf(name);
  assert.equal(labels.span_name, undefined);
  assert.equal(labels.span_id, SPAN.spanId, 'the span id stays');
  assert.equal(invalid, 1);
});

test('service names and tag values are bounded in UTF-8 bytes too', () => {
  const long = EURO.repeat(1000);
  for (const [env, setting] of [
    [{ OTEL_SERVICE_NAME: long }, 'OTEL_SERVICE_NAME'],
    [{ SPANPROF_TAGS: `region=${long}` }, 'SPANPROF_TAGS'],
  ]) {
    assert.throws(
      () => resolveConfig({}, env),
      (err) => err instanceof ConfigError && err.setting === setting && /counted in UTF-8 bytes/.test(err.message),
    );
  }
  assert.equal(resolveConfig({}, { OTEL_SERVICE_NAME: EURO.repeat(682) }).serviceName, EURO.repeat(682));
});
