'use strict';
// The example service: three routes that burn CPU in different functions, so
// the flame graph of each request ("Profiles for this span" in Grafana) shows
// its own work.
//
// Tracing is the OpenTelemetry Node SDK, exporting to Tempo over OTLP/HTTP.
// Profiling is spanprof, preloaded by the start command
// (node --import spanprof/register server.js) and configured by the
// environment alone: nothing in this file refers to it.
const http = require('node:http');
const { trace, SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');

const sdk = new NodeSDK({
  // Sends to $OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces; the service name comes
  // from OTEL_SERVICE_NAME, which spanprof reads too, so both sides agree.
  traceExporter: new OTLPTraceExporter(),
  // The handler opens the server span itself, so no instrumentation package
  // is needed.
  instrumentations: [],
});
sdk.start();

const tracer = trace.getTracer('spanprof-example');

/** Naive recursion: a tall, narrow flame graph. */
function fibonacci(n) {
  return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

/** Trial division: one wide frame with a hot loop. */
function countPrimes(limit) {
  let count = 0;
  for (let i = 2; i < limit; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

function priceCart(items) {
  let total = 0;
  for (let i = 0; i < items; i++) {
    const price = ((i * 7919) % 10007) / 100;
    const discount = i % 10 === 0 ? 0.9 : 1;
    total += Math.round(price * discount * 1.2 * 100) / 100;
  }
  return Math.round(total);
}

function renderReceipt(total, lines) {
  const rows = [];
  for (let i = 0; i < lines; i++) rows.push({ line: i, sku: `SKU-${(i * 31) % 9973}`, amount: (total % (i + 7)) / 3 });
  return JSON.stringify(rows).length;
}

/** Two child spans around a simulated database call: a trace with a tree. */
async function checkout() {
  const total = tracer.startActiveSpan('price cart', (span) => {
    try {
      return priceCart(3_000_000);
    } finally {
      span.end();
    }
  });
  // Stands for an I/O wait; the request's samples after it still carry its span.
  await new Promise((resolve) => setTimeout(resolve, 5));
  const bytes = tracer.startActiveSpan('render receipt', (span) => {
    try {
      return renderReceipt(total, 60_000);
    } finally {
      span.end();
    }
  });
  return { total, bytes };
}

const routes = {
  '/fibonacci': () => ({ fibonacci: fibonacci(33) }),
  '/primes': () => ({ primes: countPrimes(600_000) }),
  '/checkout': checkout,
};

const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url, 'http://localhost');
  const route = routes[pathname];
  if (route === undefined) {
    res.writeHead(404).end();
    return;
  }
  // The span is named after the route, never the raw URL: Pyroscope makes
  // span_name a series label, so it has to stay low in cardinality.
  const attributes = { 'http.request.method': req.method, 'url.path': pathname };
  tracer.startActiveSpan(`${req.method} ${pathname}`, { kind: SpanKind.SERVER, attributes }, async (span) => {
    try {
      const body = JSON.stringify(await route());
      span.setAttribute('http.response.status_code', 200);
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } catch (err) {
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR });
      res.writeHead(500).end();
    } finally {
      span.end();
    }
  });
});

server.listen(Number(process.env.PORT ?? 8080), () => {
  console.log(`listening on port ${server.address().port}`);
});

// `docker compose stop` sends SIGTERM. Stop taking requests and flush the
// last spans; the process then exits by itself once spanprof's preload, which
// flushes alongside this listener, has sent the last profile window.
let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  server.close();
  server.closeIdleConnections();
  sdk.shutdown().catch((err) => console.error(`tracing shutdown failed: ${err.message}`));
});
