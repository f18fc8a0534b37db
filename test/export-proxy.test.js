'use strict';
// Uploads honour HTTPS_PROXY, HTTP_PROXY and NO_PROXY as curl does: through
// a real CONNECT proxy on 127.0.0.1, to a real ingest server that checks
// Pyroscope's rules, over http and over https with a custom CA.
const test = require('node:test');
const assert = require('node:assert/strict');
const { PyroscopeExporter } = require('../dist/internal');
const { startIngestServer } = require('./support/ingest-server.js');
const { startConnectProxy } = require('./support/connect-proxy.js');
const { selfSignedCert } = require('./support/tls-cert.js');
const { stopSampler } = require('./support/profile-windows.js');
const { encodedWindows, capturingLogger } = require('./support/exporter-fixtures.js');

test.after(() => stopSampler());

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];

/** Runs `fn` with exactly these proxy variables set, then puts the environment back. */
async function withProxyEnv(vars, fn) {
  const saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of PROXY_VARIABLES) delete process.env[name];
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Sends one window with an exporter made while `vars` are set; returns its stats and log lines. */
async function sendOne(server, vars, target = {}) {
  const { logger, lines } = capturingLogger();
  const exporter = await withProxyEnv(vars, () =>
    new PyroscopeExporter({
      target: { serverAddress: server.url, protocol: 'push', serviceName: 'proxied', tags: {}, headers: {}, timeoutMs: 10_000, ...target },
      maxQueueBytes: 16 << 20,
      backoff: { initialDelayMs: 100, maxDelayMs: 200, maxRetryAfterMs: 1000 },
      logger,
    }),
  );
  const [window] = await encodedWindows(1);
  exporter.export(window);
  const flushed = await exporter.flush(15_000);
  await exporter.shutdown(500);
  return { flushed, stats: exporter.stats(), lines };
}

async function fixtures(t, serverOptions = {}, proxyOptions = {}) {
  const server = await startIngestServer(serverOptions);
  const proxy = await startConnectProxy(proxyOptions);
  t.after(() => Promise.all([server.close(), proxy.close()]));
  return { server, proxy, authority: new URL(server.url).host };
}

test('HTTP_PROXY: an http upload goes through the proxy tunnel', async (t) => {
  const { server, proxy, authority } = await fixtures(t);
  const r = await sendOne(server, { HTTP_PROXY: proxy.url });
  assert.equal(r.flushed, true);
  assert.equal(r.stats.sent, 1, r.lines.join(''));
  assert.deepEqual(proxy.tunnels, [authority]);
  assert.deepEqual(proxy.refused, []);
  assert.deepEqual(server.invalid, []);
  assert.equal(server.uploads.length, 1);
});

test('NO_PROXY: a listed host is reached directly', async (t) => {
  const { server, proxy } = await fixtures(t);
  for (const noProxy of ['127.0.0.1', 'localhost,127.0.0.1', '*']) {
    const r = await sendOne(server, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: noProxy });
    assert.equal(r.stats.sent, 1, `NO_PROXY=${noProxy}: ${r.lines.join('')}`);
  }
  assert.deepEqual(proxy.tunnels, [], 'the proxy was used for a NO_PROXY host');
  assert.equal(server.uploads.length, 3);
});

test('no proxy variable: direct, and lower-case names count too', async (t) => {
  const { server, proxy, authority } = await fixtures(t);
  assert.equal((await sendOne(server, {})).stats.sent, 1);
  assert.deepEqual(proxy.tunnels, []);
  assert.equal((await sendOne(server, { http_proxy: proxy.url })).stats.sent, 1);
  assert.deepEqual(proxy.tunnels, [authority]);
});

test('a proxy that wants credentials: userinfo in HTTP_PROXY is sent; without it, retried and logged once', async (t) => {
  const auth = `Basic ${Buffer.from('egress:s3cret').toString('base64')}`;
  const { server, proxy, authority } = await fixtures(t, {}, { auth });
  const ok = await sendOne(server, { HTTP_PROXY: proxy.url.replace('http://', 'http://egress:s3cret@') });
  assert.equal(ok.stats.sent, 1, ok.lines.join(''));
  assert.deepEqual(proxy.tunnels, [authority]);

  const { logger, lines } = capturingLogger();
  const exporter = await withProxyEnv({ HTTP_PROXY: proxy.url }, () =>
    new PyroscopeExporter({
      target: { serverAddress: server.url, protocol: 'push', serviceName: 'proxied', tags: {}, headers: {}, timeoutMs: 5_000 },
      maxQueueBytes: 16 << 20,
      backoff: { initialDelayMs: 100, maxDelayMs: 200, maxRetryAfterMs: 1000 },
      logger,
    }),
  );
  exporter.export((await encodedWindows(1))[0]);
  const deadline = Date.now() + 15_000;
  while (exporter.stats().retried < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await exporter.shutdown(500);
  assert.ok(exporter.stats().retried >= 2, 'a 407 is retried: the proxy may be fixed');
  const warnings = lines.filter((l) => l.includes(': warn:') && l.includes('failed'));
  assert.equal(warnings.length, 1, lines.join(''));
  assert.match(warnings[0], /407/);
  assert.ok(proxy.refused.some((r) => r.includes('without credentials')));
});

test('HTTPS_PROXY: an https upload through the tunnel trusts the custom CA', async (t) => {
  const tls = selfSignedCert(t);
  if (tls === undefined) return t.skip('openssl is not installed: https check skipped');
  const { server, proxy, authority } = await fixtures(t, { tls: { key: tls.key, cert: tls.cert } });

  const untrusted = await sendOne(server, { HTTPS_PROXY: proxy.url });
  assert.equal(untrusted.stats.failed, 1, 'an untrusted certificate is refused through the tunnel too');
  assert.ok(untrusted.lines.some((l) => l.includes('SPANPROF_CA_FILE')), untrusted.lines.join(''));

  const trusted = await sendOne(server, { HTTPS_PROXY: proxy.url }, { ca: tls.cert });
  assert.equal(trusted.stats.sent, 1, trusted.lines.join(''));
  assert.deepEqual(proxy.tunnels, [authority, authority]);
  assert.deepEqual(server.invalid, []);
  assert.equal(server.uploads.length, 1);
});
