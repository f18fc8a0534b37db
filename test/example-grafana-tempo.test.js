'use strict';
// The Grafana Tempo example (examples/grafana-tempo), without Docker. Its
// files are read the way Compose, Grafana and Tempo read them and checked
// against each other; then its service runs here, started by the compose
// file's command with the compose file's environment, with Pyroscope
// replaced by the in-process ingest server and Tempo's OTLP receiver by a
// small sink. The load generator drives it. Both halves of Grafana's link
// must hold: root spans carry pyroscope.profile.id, and the profiles carry
// those span ids, under the service name the traces have.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const zlib = require('node:zlib');
const YAML = require('yaml');
const { startIngestServer } = require('./support/ingest-server');
const { readSamples } = require('./support/read-pprof');

const root = path.join(__dirname, '..');
const example = path.join(root, 'examples', 'grafana-tempo');
const register = path.join(root, 'dist', 'register.js');
const CPU_PROFILE_TYPE = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';

function readYaml(file) {
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
  assert.deepEqual(doc.errors, [], `${file} is not valid YAML`);
  return doc.toJS();
}

const compose = readYaml(path.join(example, 'docker-compose.yml'));
const services = compose.services ?? {};
const app = services.app ?? {};
const appEnv = app.environment ?? {};
const tempoConfig = readYaml(path.join(example, 'tempo', 'tempo.yaml'));
const datasourceDir = path.join(example, 'provisioning', 'datasources');
const datasources = fs
  .readdirSync(datasourceDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .flatMap((f) => {
    const doc = readYaml(path.join(datasourceDir, f));
    assert.equal(doc.apiVersion, 1, `${f}: apiVersion`);
    return doc.datasources ?? [];
  });

/** Container ports a service publishes ("host:container" or a bare port). */
function containerPorts(service) {
  return (service.ports ?? []).map((p) => Number(String(p).split(':').pop().split('/')[0]));
}

/** The port of a URL, with the scheme's default filled in. */
function portOf(url) {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

function dependsOn(service) {
  const d = service.depends_on ?? [];
  return Array.isArray(d) ? d : Object.keys(d);
}

test('the compose file pins its images and wires the app to Pyroscope and Tempo', () => {
  for (const name of ['app', 'loadgen', 'pyroscope', 'tempo', 'grafana']) assert.ok(services[name], `service ${name}`);
  for (const [name, repo] of [['pyroscope', 'grafana/pyroscope'], ['tempo', 'grafana/tempo'], ['grafana', 'grafana/grafana']]) {
    assert.match(services[name].image, new RegExp(`^${repo}:\\d+\\.\\d+\\.\\d+$`), `${name} is pinned to a release`);
  }

  // The service starts with spanprof's preload, in compose and in the image.
  const command = app.command;
  assert.ok(Array.isArray(command), 'the app command is an exec-form list');
  const at = command.indexOf('--import');
  assert.ok(at > 0 && command[at + 1] === 'spanprof/register', `--import spanprof/register in ${command}`);
  const dockerfile = fs.readFileSync(path.join(example, app.build, 'Dockerfile'), 'utf8');
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
  assert.ok(cmd, 'the Dockerfile has an exec-form CMD');
  assert.deepEqual(JSON.parse(cmd[1]), command, 'the image starts the service as compose does');
  assert.ok(fs.existsSync(path.join(example, app.build, command[command.length - 1])), 'the script is in the image');

  // Uploads go to the pyroscope service on the port it serves.
  assert.ok(appEnv.OTEL_SERVICE_NAME, 'OTEL_SERVICE_NAME names the service');
  const pyroscope = new URL(appEnv.PYROSCOPE_SERVER_ADDRESS);
  assert.equal(pyroscope.hostname, 'pyroscope');
  assert.ok(containerPorts(services.pyroscope).includes(portOf(pyroscope)), 'Pyroscope listens where the app uploads');

  // Traces go to Tempo's OTLP/HTTP receiver.
  const otlp = new URL(appEnv.OTEL_EXPORTER_OTLP_ENDPOINT);
  assert.equal(otlp.hostname, 'tempo');
  assert.match(tempoConfig.distributor.receivers.otlp.protocols.http.endpoint, new RegExp(`:${portOf(otlp)}$`));
  assert.equal(appEnv.OTEL_METRICS_EXPORTER, 'none', 'the SDK sends Tempo no metrics');
  assert.equal(appEnv.OTEL_LOGS_EXPORTER, 'none', 'the SDK sends Tempo no logs');
  assert.deepEqual(dependsOn(app).sort(), ['pyroscope', 'tempo']);

  // The load generator reaches the port the app listens on.
  const target = new URL(services.loadgen.environment.TARGET_URL);
  assert.equal(target.hostname, 'app');
  assert.equal(portOf(target), Number(appEnv.PORT));
  assert.ok(containerPorts(app).includes(Number(appEnv.PORT)), 'the app port is published');
  assert.ok(dependsOn(services.loadgen).includes('app'));
  const [loadgenMount] = services.loadgen.volumes.map((v) => v.split(':'));
  const script = services.loadgen.command[services.loadgen.command.length - 1];
  assert.ok(script.startsWith(`${loadgenMount[1]}/`), 'the load generator runs from its mount');
  assert.ok(fs.existsSync(path.join(example, loadgenMount[0], path.relative(loadgenMount[1], script))));

  // Tempo and Grafana read the files this example ships, where they look.
  const [tempoMount] = services.tempo.volumes.map((v) => v.split(':'));
  assert.ok(fs.existsSync(path.join(example, tempoMount[0])));
  assert.ok(services.tempo.command.includes(`-config.file=${tempoMount[1]}`));
  const grafanaMounts = services.grafana.volumes.map((v) => v.split(':'));
  assert.ok(
    grafanaMounts.some(([from, to]) => path.join(example, from) === path.join(example, 'provisioning') && to === '/etc/grafana/provisioning'),
    'the provisioning folder is mounted where Grafana reads it',
  );
});

test("Grafana's Tempo data source links spans to the Pyroscope data source by service name", () => {
  const uids = datasources.map((d) => d.uid);
  assert.equal(new Set(uids).size, uids.length, 'data source uids are unique');
  const pyroscope = datasources.find((d) => d.type === 'grafana-pyroscope-datasource');
  const tempo = datasources.find((d) => d.type === 'tempo');
  assert.ok(pyroscope?.uid, 'a Pyroscope data source with a uid');
  assert.ok(tempo?.uid, 'a Tempo data source with a uid');

  const pyroscopeUrl = new URL(pyroscope.url);
  assert.equal(pyroscopeUrl.hostname, 'pyroscope');
  assert.ok(containerPorts(services.pyroscope).includes(portOf(pyroscopeUrl)));
  const tempoUrl = new URL(tempo.url);
  assert.equal(tempoUrl.hostname, 'tempo');
  assert.equal(portOf(tempoUrl), tempoConfig.server.http_listen_port, "Grafana queries Tempo's API port");

  const link = tempo.jsonData?.tracesToProfiles;
  assert.ok(link, 'jsonData.tracesToProfiles is set');
  assert.equal(link.datasourceUid, pyroscope.uid);
  assert.equal(link.profileTypeId, CPU_PROFILE_TYPE);
  assert.deepEqual(link.tags, [{ key: 'service.name', value: 'service_name' }]);
  assert.notEqual(link.customQuery, true, 'the default query, which selects the span by pyroscope.profile.id');
});

test('Tempo receives OTLP over gRPC and HTTP from other containers and keeps traces on local disk', () => {
  const { grpc, http: otlpHttp } = tempoConfig.distributor.receivers.otlp.protocols;
  assert.equal(grpc.endpoint, '0.0.0.0:4317');
  assert.equal(otlpHttp.endpoint, '0.0.0.0:4318');
  const published = containerPorts(services.tempo);
  for (const port of [4317, 4318, tempoConfig.server.http_listen_port]) assert.ok(published.includes(port), `port ${port}`);
  assert.equal(tempoConfig.storage.trace.backend, 'local');
  assert.ok(tempoConfig.storage.trace.local.path, 'a block path');
  assert.ok(tempoConfig.storage.trace.wal.path, 'a WAL path');
});

test("the app needs only packages its package.json lists, in the ranges this repository tests", () => {
  const appPackage = JSON.parse(fs.readFileSync(path.join(example, 'app', 'package.json'), 'utf8'));
  const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const deps = appPackage.dependencies;
  assert.equal(deps.spanprof, `^${rootPackage.version}`);
  for (const [name, range] of Object.entries(deps)) {
    if (name !== 'spanprof') assert.equal(range, rootPackage.devDependencies[name], `${name} as the tests run it`);
  }
  const source = fs.readFileSync(path.join(example, 'app', 'server.js'), 'utf8');
  const required = [...source.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]);
  for (const name of required.filter((n) => !n.startsWith('node:'))) assert.ok(deps[name], `${name} is a dependency`);
});

/** Collects OTLP/HTTP JSON trace exports, as Tempo's receiver on 4318 takes them. */
async function startOtlpSink() {
  const spans = [];
  const errors = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    let body = Buffer.concat(chunks);
    try {
      assert.equal(req.method, 'POST');
      assert.equal(req.url, '/v1/traces');
      assert.match(req.headers['content-type'] ?? '', /^application\/json/);
      if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      for (const rs of JSON.parse(body.toString('utf8')).resourceSpans ?? []) {
        const resource = attributesOf(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ ...s, resource, attrs: attributesOf(s.attributes) });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } catch (err) {
      errors.push(err.message);
      res.writeHead(400).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    spans,
    errors,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

function attributesOf(list = []) {
  return Object.fromEntries(list.map((a) => [a.key, Object.values(a.value ?? {})[0]]));
}

/** Runs a child; `exited` settles with { code, signal }, and `output()` is what it printed. */
function start(args, options) {
  const child = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => out };
}

async function within(ms, promise, what, output) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}\n${output()}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The environment a container would have: no OTel or profiler settings from this shell. */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OTEL_|SPANPROF_|PYROSCOPE_)/.test(k)));
}

test('the service, run with the compose environment, sends span profiles that match its traces', { timeout: 90_000 }, async (t) => {
  const ingest = await startIngestServer();
  const sink = await startOtlpSink();
  t.after(() => Promise.all([ingest.close(), sink.close()]));

  // The compose environment, with the two backends' addresses pointed here.
  const standIns = { pyroscope: ingest.url, tempo: sink.url };
  const env = { ...cleanEnv() };
  const rewritten = new Set();
  for (const [key, value] of Object.entries(appEnv)) {
    let url;
    try {
      url = new URL(String(value));
    } catch {
      env[key] = String(value);
      continue;
    }
    const standIn = standIns[url.hostname];
    env[key] = standIn ? `${standIn}${url.pathname === '/' ? '' : url.pathname}` : String(value);
    if (standIn) rewritten.add(url.hostname);
  }
  assert.deepEqual([...rewritten].sort(), ['pyroscope', 'tempo']);
  env.PORT = '0';

  // The compose command, with spanprof resolved to this checkout's build.
  const [node, ...args] = app.command;
  assert.equal(node, 'node');
  const server = start(
    args.map((a) => (a === 'spanprof/register' ? register : a)),
    { cwd: path.join(example, app.build), env },
  );
  t.after(() => server.child.kill('SIGKILL'));
  const port = await within(
    30_000,
    new Promise((resolve, reject) => {
      server.child.stdout.on('data', () => {
        const m = /listening on port (\d+)/.exec(server.output());
        if (m) resolve(Number(m[1]));
      });
      server.exited.then(() => reject(new Error(`the service exited:\n${server.output()}`)));
    }),
    'the service to listen',
    server.output,
  );

  const requests = 12;
  const loadgenScript = path.join(example, 'loadgen', 'loadgen.js');
  const loadgen = start([loadgenScript], {
    env: { ...cleanEnv(), TARGET_URL: `http://127.0.0.1:${port}`, REQUESTS: String(requests), PAUSE_MS: '10' },
  });
  t.after(() => loadgen.child.kill('SIGKILL'));
  const sent = await within(60_000, loadgen.exited, 'the load generator', loadgen.output);
  assert.deepEqual(sent, { code: 0, signal: null }, loadgen.output());
  assert.match(loadgen.output(), new RegExp(`sent ${requests} requests .*, 0 failed`));

  // As `docker compose stop` does: the last spans and the last window are flushed on the way out.
  server.child.kill('SIGTERM');
  const exit = await within(30_000, server.exited, 'the service to exit after SIGTERM', server.output);
  assert.deepEqual(exit, { code: 0, signal: null }, server.output());

  // Tempo's half: one server span per request, the local roots marked for the link.
  const serviceName = appEnv.OTEL_SERVICE_NAME;
  assert.deepEqual(sink.errors, []);
  const roots = sink.spans.filter((s) => !s.parentSpanId);
  assert.equal(roots.length, requests, 'one root span per request');
  for (const s of sink.spans) {
    assert.equal(s.resource['service.name'], serviceName, 'the traces carry the compose service name');
    assert.equal(s.attrs['pyroscope.profile.id'], s.parentSpanId ? undefined : s.spanId, s.name);
  }
  const rootById = new Map(roots.map((s) => [s.spanId, s]));

  // Pyroscope's half: CPU profiles of that service whose samples name those spans.
  assert.deepEqual(ingest.invalid, [], 'every upload keeps Pyroscope’s rules');
  assert.ok(ingest.uploads.length > 0, `no upload arrived:\n${server.output()}`);
  for (const u of ingest.uploads) assert.equal(u.labels.service_name, serviceName);
  const cpu = ingest.uploads.filter((u) => u.labels.__name__ === 'process_cpu');
  assert.ok(cpu.length > 0, 'a process_cpu series');
  const samples = cpu.flatMap((u) => readSamples(u.profile));
  const labelled = samples.filter((s) => s.labels.span_id !== undefined);
  for (const s of labelled) {
    const span = rootById.get(s.labels.span_id);
    assert.ok(span, `span_id ${s.labels.span_id} is a root span Tempo has`);
    // Uploads leave trace_id out by default (SPANPROF_TRACE_ID_LABEL).
    assert.equal(s.labels.trace_id, undefined);
    assert.equal(s.labels.span_name, span.name);
  }

  // Each route's flame graph is its own: its hot functions, under its spans only.
  const count = (rows) => rows.reduce((n, s) => n + s.values[0], 0);
  const hot = { 'GET /fibonacci': ['fibonacci'], 'GET /primes': ['countPrimes'], 'GET /checkout': ['priceCart', 'renderReceipt'] };
  for (const [spanName, functions] of Object.entries(hot)) {
    const inRoute = labelled.filter((s) => functions.some((f) => s.stack.includes(f)));
    const elsewhere = inRoute.filter((s) => s.labels.span_name !== spanName);
    t.diagnostic(`${spanName}: ${count(inRoute)} samples in ${functions.join(', ')}`);
    assert.ok(count(inRoute) >= 3, `${spanName}: ${count(inRoute)} samples`);
    assert.equal(count(elsewhere), 0, `${functions} under other spans: ${elsewhere.map((s) => s.labels.span_name)}`);
  }
});
