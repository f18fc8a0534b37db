'use strict';
// An app that traces but registered no context manager gets one warning
// saying why its samples carry no spans; an app that does not trace, or
// has a manager, gets none.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { context } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const spanprof = require('../dist');

/** Runs `body` under a started profiler (200 ms windows: the check comes after 1 s) and returns spanprof's stderr lines. */
async function warningsWhile(t, body) {
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-cm-check-'));
  t.after(() => fs.rmSync(outputDir, { recursive: true, force: true }));
  const lines = [];
  const write = process.stderr.write;
  process.stderr.write = (chunk, ...rest) => {
    if (String(chunk).startsWith('spanprof')) lines.push(String(chunk));
    return write.call(process.stderr, chunk, ...rest);
  };
  const handle = spanprof.start({ serviceName: 'cm-check', outputDir, windowMs: 200, logLevel: 'warn' });
  try {
    body();
    await new Promise((resolve) => setTimeout(resolve, 1500));
  } finally {
    await handle.stop();
    process.stderr.write = write;
  }
  return lines.filter((l) => l.includes('context manager'));
}

const tracer = () => new spanprof.ProfilingTracerProvider(new BasicTracerProvider()).getTracer('check');

test('spans but no context manager: one warning that says what to register', async (t) => {
  context.disable();
  const lines = await warningsWhile(t, () => tracer().startSpan('lonely').end());
  assert.equal(lines.length, 1, lines.join(''));
  assert.match(lines[0], /no OpenTelemetry context manager is registered 1 s after start, so no span is active and samples carry no span labels/);
  assert.match(lines[0], /provider\.register\(\)/);
});

test('with a context manager, or with no tracing at all, nothing is said', async (t) => {
  context.disable();
  assert.deepEqual(await warningsWhile(t, () => {}), [], 'no tracing');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  t.after(() => context.disable());
  assert.deepEqual(await warningsWhile(t, () => tracer().startSpan('tracked').end()), [], 'a manager');
});
