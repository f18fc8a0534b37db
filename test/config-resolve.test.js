'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { resolveConfig, ConfigError, OPTIONS_TABLE, optionsTableMarkdown } = require('../dist/internal');
const {
  createExporter,
  createLogger,
  DirectoryExporter,
  PyroscopeExporter,
  FanOutExporter,
} = require('../dist/internal');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-config-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

/** Asserts a ConfigError that starts with `setting` and mentions `accepted`. */
function assertRejects(env, setting, accepted, options = {}) {
  assert.throws(
    () => resolveConfig(options, env),
    (err) => {
      assert.ok(err instanceof ConfigError, `not a ConfigError: ${err}`);
      assert.equal(err.setting, setting);
      assert.ok(err.message.startsWith(`${setting}: `), err.message);
      if (accepted) assert.match(err.message, accepted);
      return true;
    },
  );
}

test('defaults with an empty environment', () => {
  const c = resolveConfig({}, {});
  assert.equal(c.enabled, true);
  assert.equal(c.serviceName, 'unknown_service:node');
  assert.equal(c.serviceNameFrom, 'default');
  assert.equal(c.windowMs, 10_000);
  assert.equal(c.spanIdScope, 'root');
  assert.equal(c.spanNameScope, 'root');
  assert.equal(c.wall, false);
  assert.equal(c.sourceMaps, true);
  assert.equal(c.logLevel, 'warn');
  assert.deepEqual(c.tags, {});
  assert.equal(c.pyroscope, undefined);
  assert.deepEqual(c.directory, {
    path: path.resolve('spanprof-profiles'),
    maxBytes: 256 * 1024 * 1024,
    maxWindows: 10_000,
    maxQueueBytes: 8 * 1024 * 1024,
    byDefault: true,
  });
  assert.deepEqual(c.secrets, []);
  assert.deepEqual(c.warnings, []);
});

test('blank variables count as unset', () => {
  const c = resolveConfig({}, { SPANPROF_WALL: '  ', PYROSCOPE_SERVER_ADDRESS: '', OTEL_SERVICE_NAME: '' });
  assert.equal(c.wall, false);
  assert.equal(c.pyroscope, undefined);
  assert.equal(c.serviceNameFrom, 'default');
});

test('turning profiling off: any source can, and then nothing else is read', () => {
  assert.equal(resolveConfig({}, { OTEL_SDK_DISABLED: 'true' }).disabledBy, 'OTEL_SDK_DISABLED');
  assert.equal(resolveConfig({}, { OTEL_SDK_DISABLED: 'TRUE' }).enabled, false);
  assert.equal(resolveConfig({}, { OTEL_SDK_DISABLED: 'false' }).enabled, true);
  assertRejects({ OTEL_SDK_DISABLED: 'yes' }, 'OTEL_SDK_DISABLED', /use true or false/);
  assert.equal(resolveConfig({}, { SPANPROF_ENABLED: 'false' }).disabledBy, 'SPANPROF_ENABLED');
  assert.equal(resolveConfig({}, { SPANPROF_ENABLED: '0' }).enabled, false);
  assert.equal(resolveConfig({}, { SPANPROF_ENABLED: '1' }).enabled, true);
  assertRejects({ SPANPROF_ENABLED: 'nope' }, 'SPANPROF_ENABLED', /true, false, 1 or 0/);
  assert.equal(resolveConfig({ enabled: false }, { SPANPROF_ENABLED: 'true' }).disabledBy, 'options.enabled');
  assert.equal(resolveConfig({ enabled: true }, { SPANPROF_ENABLED: 'false' }).enabled, false);
  const off = resolveConfig({}, { OTEL_SDK_DISABLED: 'true', SPANPROF_WALL: 'garbage' });
  assert.equal(off.enabled, false);
});

test('service name: code, then OTel variables, then the Pyroscope name', () => {
  const env = {
    OTEL_SERVICE_NAME: 'from-otel',
    OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-resource,deployment.environment=prod',
    PYROSCOPE_APPLICATION_NAME: 'from-pyroscope',
  };
  assert.equal(resolveConfig({ serviceName: 'from-code' }, env).serviceName, 'from-code');
  const otel = resolveConfig({}, env);
  assert.equal(otel.serviceName, 'from-otel');
  assert.equal(otel.serviceNameFrom, 'OTEL_SERVICE_NAME');
  assert.match(otel.warnings[0], /PYROSCOPE_APPLICATION_NAME=from-pyroscope is not used/);
  const { OTEL_SERVICE_NAME, ...withoutName } = env;
  assert.equal(resolveConfig({}, withoutName).serviceName, 'from-resource');
  assert.equal(resolveConfig({}, { PYROSCOPE_APPLICATION_NAME: 'from-pyroscope' }).serviceName, 'from-pyroscope');
  assert.deepEqual(resolveConfig({}, { PYROSCOPE_APPLICATION_NAME: 'same', OTEL_SERVICE_NAME: 'same' }).warnings, []);
  assert.equal(
    resolveConfig({}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=my%20shop%2Cweb' }).serviceName,
    'my shop,web',
  );
  assert.equal(resolveConfig({}, { OTEL_RESOURCE_ATTRIBUTES: 'host.name=a' }).serviceNameFrom, 'default');
  assertRejects({ OTEL_RESOURCE_ATTRIBUTES: 'service.name' }, 'OTEL_RESOURCE_ATTRIBUTES', /key=value pairs/);
  assertRejects({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=%E0%A4%A' }, 'OTEL_RESOURCE_ATTRIBUTES', /percent-encoding/);
  assertRejects({}, 'options.serviceName', /1 to 2048 characters/, { serviceName: '  ' });
  assertRejects({ OTEL_SERVICE_NAME: 'x'.repeat(2049) }, 'OTEL_SERVICE_NAME', /1 to 2048/);
});

test('server address: http or https, path prefix kept, credentials moved to Basic auth', () => {
  const c = resolveConfig({}, { PYROSCOPE_SERVER_ADDRESS: 'https://profiles.example.net/prefix/' });
  assert.equal(c.pyroscope.target.serverAddress, 'https://profiles.example.net/prefix');
  assert.equal(c.pyroscope.target.protocol, 'push');
  assert.equal(c.pyroscope.target.timeoutMs, 10_000);
  assert.equal(c.pyroscope.maxQueueBytes, 8 * 1024 * 1024);
  assert.equal(c.directory, undefined, 'no local files when a server is set');

  const withCreds = resolveConfig({}, { PYROSCOPE_SERVER_ADDRESS: 'http://user%40x:p%3Ass@localhost:4040' });
  assert.equal(withCreds.pyroscope.target.serverAddress, 'http://localhost:4040');
  assert.deepEqual(withCreds.pyroscope.target.auth, { kind: 'basic', user: 'user@x', password: 'p:ss' });
  assert.deepEqual(withCreds.secrets, ['p:ss']);

  assertRejects({ PYROSCOPE_SERVER_ADDRESS: 'localhost:4040' }, 'PYROSCOPE_SERVER_ADDRESS', /http or https URL/);
  assertRejects({ PYROSCOPE_SERVER_ADDRESS: 'ftp://host' }, 'PYROSCOPE_SERVER_ADDRESS', /scheme ftp; use an http or https/);
  assertRejects({ PYROSCOPE_SERVER_ADDRESS: 'not a url' }, 'PYROSCOPE_SERVER_ADDRESS', /http or https URL/);
  assertRejects({ PYROSCOPE_SERVER_ADDRESS: 'http://h/?a=1' }, 'PYROSCOPE_SERVER_ADDRESS', /query or fragment/);
  assertRejects({}, 'options.serverAddress', /use a string/, { serverAddress: 4040 });
});

test('auth: token or Basic, never both, and both halves of Basic', () => {
  const server = { PYROSCOPE_SERVER_ADDRESS: 'http://localhost:4040' };
  const bearer = resolveConfig({}, { ...server, PYROSCOPE_AUTH_TOKEN: 'tok' });
  assert.deepEqual(bearer.pyroscope.target.auth, { kind: 'bearer', token: 'tok' });
  assert.deepEqual(bearer.secrets, ['tok']);
  const basic = resolveConfig({}, { ...server, PYROSCOPE_BASIC_AUTH_USER: '123', PYROSCOPE_BASIC_AUTH_PASSWORD: 'glc' });
  assert.deepEqual(basic.pyroscope.target.auth, { kind: 'basic', user: '123', password: 'glc' });
  assert.deepEqual(basic.secrets, ['glc']);
  assertRejects({ ...server, PYROSCOPE_BASIC_AUTH_USER: '123' }, 'PYROSCOPE_BASIC_AUTH_PASSWORD', /set both or neither/);
  assertRejects({ ...server, PYROSCOPE_BASIC_AUTH_PASSWORD: 'glc' }, 'PYROSCOPE_BASIC_AUTH_USER', /set both or neither/);
  assertRejects(
    { ...server, PYROSCOPE_AUTH_TOKEN: 't', PYROSCOPE_BASIC_AUTH_USER: 'u', PYROSCOPE_BASIC_AUTH_PASSWORD: 'p' },
    'PYROSCOPE_AUTH_TOKEN',
    /either a token or Basic auth/,
  );
  assertRejects({ PYROSCOPE_SERVER_ADDRESS: 'http://u:p@h', PYROSCOPE_AUTH_TOKEN: 't' }, 'PYROSCOPE_AUTH_TOKEN', /not both/);
  assertRejects({ ...server, PYROSCOPE_BASIC_AUTH_USER: 'a:b', PYROSCOPE_BASIC_AUTH_PASSWORD: 'p' }, 'PYROSCOPE_BASIC_AUTH_USER', /":"/);
  const fromCode = resolveConfig({ authToken: 'code-token' }, { ...server, PYROSCOPE_AUTH_TOKEN: 'env-token' });
  assert.equal(fromCode.pyroscope.target.auth.token, 'code-token');
  assertRejects(server, 'options.authToken', /is empty/, { authToken: '' });
});

test('credentials without a server go nowhere, with a warning', () => {
  const c = resolveConfig({}, { PYROSCOPE_AUTH_TOKEN: 'tok' });
  assert.equal(c.pyroscope, undefined);
  assert.match(c.warnings[0], /PYROSCOPE_AUTH_TOKEN is set but PYROSCOPE_SERVER_ADDRESS is not/);
  assert.ok(!c.warnings[0].includes('tok '), 'the warning names the variable, not its value');
});

test('tenant, extra headers and CA', () => {
  const caFile = path.join(tmp, 'ca.pem');
  fs.writeFileSync(caFile, PEM);
  const c = resolveConfig({}, {
    PYROSCOPE_SERVER_ADDRESS: 'https://h',
    PYROSCOPE_TENANT_ID: 'team-a',
    SPANPROF_HEADERS: 'X-Api-Key=abc%2C123, X-Team=blue',
    SPANPROF_CA_FILE: caFile,
  });
  assert.equal(c.pyroscope.target.tenantId, 'team-a');
  assert.deepEqual(c.pyroscope.target.headers, { 'X-Api-Key': 'abc,123', 'X-Team': 'blue' });
  assert.equal(c.pyroscope.target.ca, PEM);
  assert.deepEqual(c.secrets, ['abc,123', 'blue'], 'header values are secrets');

  const server = { PYROSCOPE_SERVER_ADDRESS: 'https://h' };
  // A header named like an inherited property is kept, not swallowed by the object's setter.
  assert.deepEqual(Object.keys(resolveConfig({}, { ...server, SPANPROF_HEADERS: '__proto__=1,constructor=2' }).pyroscope.target.headers), ['__proto__', 'constructor']);
  assertRejects({ ...server, SPANPROF_HEADERS: 'Bad Name=1' }, 'SPANPROF_HEADERS', /not a header name/);
  assertRejects({ ...server, SPANPROF_HEADERS: 'Content-Type=text/plain' }, 'SPANPROF_HEADERS', /set by the upload itself/);
  assertRejects({ ...server, SPANPROF_HEADERS: 'novalue' }, 'SPANPROF_HEADERS', /key=value pairs/);
  // A malformed header can hold a key: the error points at it without quoting it.
  for (const secretText of ['X-Api-Key: sk-live-42', 'Authorization Bearer sk-live-42=1', 'X-Key=%E0%A4%sk-live-42']) {
    assert.throws(
      () => resolveConfig({}, { ...server, SPANPROF_HEADERS: `X-Team=blue,${secretText}` }),
      (err) => err instanceof ConfigError && /entry 2/.test(err.message) && !err.message.includes('sk-live-42'),
    );
  }
  assertRejects({ ...server, SPANPROF_CA_FILE: path.join(tmp, 'missing.pem') }, 'SPANPROF_CA_FILE', /cannot read .*PEM file/);
  const notPem = path.join(tmp, 'not.pem');
  fs.writeFileSync(notPem, 'hello');
  assertRejects({ ...server, SPANPROF_CA_FILE: notPem }, 'SPANPROF_CA_FILE', /no PEM certificate/);
  assert.equal(resolveConfig({ ca: Buffer.from(PEM) }, server).pyroscope.target.ca.toString(), PEM);
  assertRejects(server, 'options.ca', /PEM text/, { ca: 42 });
  assertRejects(server, 'options.headers', /use a object/, { headers: ['x'] });
  assertRejects({ ...server, PYROSCOPE_TENANT_ID: 'a\nb' }, 'PYROSCOPE_TENANT_ID', /line breaks/);
});

test('upload protocol and timeout', () => {
  const server = { PYROSCOPE_SERVER_ADDRESS: 'http://h' };
  assert.equal(resolveConfig({}, { ...server, SPANPROF_UPLOAD_PROTOCOL: 'ingest' }).pyroscope.target.protocol, 'ingest');
  assert.equal(resolveConfig({}, { ...server, SPANPROF_UPLOAD_PROTOCOL: 'PUSH' }).pyroscope.target.protocol, 'push');
  assertRejects({ ...server, SPANPROF_UPLOAD_PROTOCOL: 'grpc' }, 'SPANPROF_UPLOAD_PROTOCOL', /one of push, ingest/);
  assertRejects(
    { ...server, SPANPROF_UPLOAD_PROTOCOL: 'ingest', OTEL_SERVICE_NAME: 'a{b}' },
    'OTEL_SERVICE_NAME',
    /ingest protocol/,
  );
  assert.equal(resolveConfig({}, { ...server, SPANPROF_UPLOAD_TIMEOUT_SECONDS: '2.5' }).pyroscope.target.timeoutMs, 2500);
  assertRejects({ ...server, SPANPROF_UPLOAD_TIMEOUT_SECONDS: '0' }, 'SPANPROF_UPLOAD_TIMEOUT_SECONDS', /from 0.1 to 300/);
  assertRejects({ ...server, SPANPROF_UPLOAD_TIMEOUT_SECONDS: '10s' }, 'SPANPROF_UPLOAD_TIMEOUT_SECONDS', /from 0.1 to 300/);
});

test('tags', () => {
  assert.deepEqual(resolveConfig({}, { SPANPROF_TAGS: 'env=prod, region = eu_1 ,' }).tags, { env: 'prod', region: 'eu_1' });
  assert.deepEqual(resolveConfig({ tags: { team: 'core' } }, { SPANPROF_TAGS: 'env=prod' }).tags, { team: 'core' });
  // Names every object inherits are ordinary tag names, and a unit lookup never takes them for units.
  assert.deepEqual(resolveConfig({}, { SPANPROF_TAGS: 'constructor=a,toString=b' }).tags, { constructor: 'a', toString: 'b' });
  assertRejects({ SPANPROF_MAX_QUEUE_BYTES: '1constructor' }, 'SPANPROF_MAX_QUEUE_BYTES', /is not a size/);
  assertRejects({ SPANPROF_TAGS: '1env=prod' }, 'SPANPROF_TAGS', /tag name; use \[a-zA-Z_\]/);
  assertRejects({ SPANPROF_TAGS: '__name__=x' }, 'SPANPROF_TAGS', /not starting with __/);
  assertRejects({ SPANPROF_TAGS: 'service_name=x' }, 'SPANPROF_TAGS', /service_name/);
  assertRejects({ SPANPROF_TAGS: 'span_id=x' }, 'SPANPROF_TAGS', /span_id/);
  assertRejects({ SPANPROF_TAGS: 'env=' }, 'SPANPROF_TAGS', /without \{ \} , =/);
  assertRejects({ SPANPROF_TAGS: 'env=a{b}' }, 'SPANPROF_TAGS', /without/);
  assertRejects({ SPANPROF_TAGS: 'env=a,env=b' }, 'SPANPROF_TAGS', /twice/);
  assertRejects({ SPANPROF_TAGS: 'env' }, 'SPANPROF_TAGS', /key=value/);
  assertRejects({}, 'options.tags', /without/, { tags: { env: 5 } });
});

test('window length: 1 to 60 s from the environment, down to 0.1 s from code', () => {
  assert.equal(resolveConfig({}, { SPANPROF_WINDOW_SECONDS: '1' }).windowMs, 1000);
  assert.equal(resolveConfig({}, { SPANPROF_WINDOW_SECONDS: '60' }).windowMs, 60_000);
  assert.equal(resolveConfig({}, { SPANPROF_WINDOW_SECONDS: '15.5' }).windowMs, 15_500);
  for (const bad of ['0.5', '61', 'ten', '-5', '1e1', '']) {
    if (bad === '') continue;
    assertRejects({ SPANPROF_WINDOW_SECONDS: bad }, 'SPANPROF_WINDOW_SECONDS', /from 1 to 60/);
  }
  assert.equal(resolveConfig({ windowSeconds: 0.1 }, { SPANPROF_WINDOW_SECONDS: '30' }).windowMs, 100);
  assertRejects({}, 'options.windowSeconds', /from 0.1 to 60/, { windowSeconds: 0.05 });
  assertRejects({}, 'options.windowSeconds', /use a number/, { windowSeconds: '10' });
  assertRejects({}, 'options.windowSeconds', /use a number/, { windowSeconds: Number.NaN });
});

test('label scopes', () => {
  for (const scope of ['root', 'all', 'none', 'ALL']) {
    const c = resolveConfig({}, { SPANPROF_SPAN_ID_SCOPE: scope, SPANPROF_SPAN_NAME_SCOPE: scope });
    assert.equal(c.spanIdScope, scope.toLowerCase());
    assert.equal(c.spanNameScope, scope.toLowerCase());
  }
  assertRejects({ SPANPROF_SPAN_ID_SCOPE: 'local' }, 'SPANPROF_SPAN_ID_SCOPE', /one of root, all, none/);
  assertRejects({ SPANPROF_SPAN_NAME_SCOPE: 'every' }, 'SPANPROF_SPAN_NAME_SCOPE', /one of root, all, none/);
  assert.equal(resolveConfig({ spanNameScope: 'none' }, { SPANPROF_SPAN_NAME_SCOPE: 'all' }).spanNameScope, 'none');
  assertRejects({}, 'options.spanIdScope', /one of root, all, none/, { spanIdScope: 'some' });
});

test('booleans: wall and source maps', () => {
  for (const [raw, value] of [['true', true], ['TRUE', true], ['1', true], ['false', false], ['0', false]]) {
    const c = resolveConfig({}, { SPANPROF_WALL: raw, SPANPROF_SOURCE_MAPS: raw });
    assert.equal(c.wall, value);
    assert.equal(c.sourceMaps, value);
  }
  assertRejects({ SPANPROF_WALL: 'yes' }, 'SPANPROF_WALL', /true, false, 1 or 0/);
  assertRejects({ SPANPROF_SOURCE_MAPS: 'on' }, 'SPANPROF_SOURCE_MAPS', /true, false, 1 or 0/);
  assert.equal(resolveConfig({ wall: false }, { SPANPROF_WALL: 'true' }).wall, false);
  assertRejects({}, 'options.wall', /use a boolean/, { wall: 'true' });
});

test('trace_id label: left out of uploads, kept in the directory, unless set', () => {
  const server = { PYROSCOPE_SERVER_ADDRESS: 'http://127.0.0.1:4040' };
  assert.equal(resolveConfig({}, {}).traceIdLabel, true, 'directory only');
  assert.equal(resolveConfig({}, server).traceIdLabel, false, 'uploading');
  assert.equal(resolveConfig({}, { ...server, SPANPROF_OUTPUT_DIR: tmp }).traceIdLabel, false, 'both: the upload decides');
  assert.equal(resolveConfig({}, { ...server, SPANPROF_TRACE_ID_LABEL: 'true' }).traceIdLabel, true);
  assert.equal(resolveConfig({}, { SPANPROF_TRACE_ID_LABEL: '0' }).traceIdLabel, false);
  assert.equal(resolveConfig({ traceIdLabel: true }, { ...server, SPANPROF_TRACE_ID_LABEL: 'false' }).traceIdLabel, true);
  assertRejects({ SPANPROF_TRACE_ID_LABEL: 'yes' }, 'SPANPROF_TRACE_ID_LABEL', /true, false, 1 or 0/);
  assertRejects({}, 'options.traceIdLabel', /use a boolean/, { traceIdLabel: 'false' });
});

test('sizes: queue and output bounds', () => {
  assert.equal(resolveConfig({}, { SPANPROF_MAX_QUEUE_BYTES: '16MiB' }).directory.maxQueueBytes, 16 * 1024 * 1024);
  assert.equal(resolveConfig({}, { SPANPROF_MAX_QUEUE_BYTES: '65536' }).directory.maxQueueBytes, 65536);
  assert.equal(resolveConfig({}, { SPANPROF_MAX_QUEUE_BYTES: '512k' }).directory.maxQueueBytes, 512 * 1024);
  assert.equal(resolveConfig({}, { SPANPROF_OUTPUT_MAX_BYTES: '1GiB' }).directory.maxBytes, 1024 ** 3);
  assert.equal(resolveConfig({}, { SPANPROF_OUTPUT_MAX_BYTES: '1.5 GB' }).directory.maxBytes, 1.5 * 1024 ** 3);
  assertRejects({ SPANPROF_MAX_QUEUE_BYTES: '1k' }, 'SPANPROF_MAX_QUEUE_BYTES', /from 64KiB to 1GiB/);
  assertRejects({ SPANPROF_MAX_QUEUE_BYTES: 'lots' }, 'SPANPROF_MAX_QUEUE_BYTES', /512KiB, 8MiB, 1GiB/);
  assertRejects({ SPANPROF_MAX_QUEUE_BYTES: '8 parsecs' }, 'SPANPROF_MAX_QUEUE_BYTES', /not a size/);
  assertRejects({ SPANPROF_OUTPUT_MAX_BYTES: '10' }, 'SPANPROF_OUTPUT_MAX_BYTES', /from 1MiB to 1024GiB/);
  assertRejects({}, 'options.maxQueueBytes', /from 64KiB/, { maxQueueBytes: 1.5 });
});

test('the bound on windows in the output directory: a whole number, 10,000 by default', () => {
  assert.equal(resolveConfig({}, {}).directory.maxWindows, 10_000);
  assert.equal(resolveConfig({}, { SPANPROF_OUTPUT_MAX_WINDOWS: '500' }).directory.maxWindows, 500);
  assert.equal(resolveConfig({ outputMaxWindows: 20 }, { SPANPROF_OUTPUT_MAX_WINDOWS: '500' }).directory.maxWindows, 20);
  assertRejects({ SPANPROF_OUTPUT_MAX_WINDOWS: '0' }, 'SPANPROF_OUTPUT_MAX_WINDOWS', /from 1 to 1000000/);
  assertRejects({ SPANPROF_OUTPUT_MAX_WINDOWS: '2.5' }, 'SPANPROF_OUTPUT_MAX_WINDOWS', /must be an integer from 1 to 1000000; got 2.5/);
  assertRejects({ SPANPROF_OUTPUT_MAX_WINDOWS: 'many' }, 'SPANPROF_OUTPUT_MAX_WINDOWS', /1 to 1000000/);
  assertRejects({}, 'options.outputMaxWindows', /must be an integer from 1 to 1000000; got 1.5/, { outputMaxWindows: 1.5 });
});

test('output directory: the default without a server, both outputs when asked', () => {
  assert.equal(resolveConfig({}, { SPANPROF_OUTPUT_DIR: 'rel/out' }).directory.path, path.resolve('rel/out'));
  assert.equal(resolveConfig({}, { SPANPROF_OUTPUT_DIR: 'rel/out' }).directory.byDefault, false);
  const both = resolveConfig({}, { SPANPROF_OUTPUT_DIR: '/var/tmp/p', PYROSCOPE_SERVER_ADDRESS: 'http://h' });
  assert.equal(both.directory.path, '/var/tmp/p');
  assert.ok(both.pyroscope);
  assert.equal(resolveConfig({ outputDir: '/x' }, { SPANPROF_OUTPUT_DIR: '/y' }).directory.path, '/x');
});

test('log level', () => {
  for (const level of ['debug', 'info', 'warn', 'error', 'silent']) {
    assert.equal(resolveConfig({}, { SPANPROF_LOG_LEVEL: level }).logLevel, level);
  }
  assertRejects({ SPANPROF_LOG_LEVEL: 'verbose' }, 'SPANPROF_LOG_LEVEL', /one of debug, info, warn, error, silent/);
  // OpenTelemetry's own variable, when spanprof's is not set.
  for (const [otel, level] of [['NONE', 'silent'], ['ERROR', 'error'], ['WARN', 'warn'], ['INFO', 'info'], ['DEBUG', 'debug'], ['VERBOSE', 'debug'], ['all', 'debug']]) {
    assert.equal(resolveConfig({}, { OTEL_LOG_LEVEL: otel }).logLevel, level, otel);
  }
  assert.equal(resolveConfig({}, { OTEL_LOG_LEVEL: 'DEBUG', SPANPROF_LOG_LEVEL: 'error' }).logLevel, 'error');
  assert.equal(resolveConfig({ logLevel: 'info' }, { OTEL_LOG_LEVEL: 'NONE' }).logLevel, 'info');
  assertRejects({ OTEL_LOG_LEVEL: 'loud' }, 'OTEL_LOG_LEVEL', /one of none, error, warn, info, debug, verbose, all/);
});

test('unknown and mistyped options are named', () => {
  assertRejects({}, 'options.windowSecs', /^options\.windowSecs: is not an option\. Known options: .*windowSeconds/, { windowSecs: 5 });
  // A slip of the keyboard or of the case: the nearest option.
  assertRejects({}, 'options.servicName', /is not an option\. Did you mean serviceName\? Known options: /, { servicName: 'a' });
  assertRejects({}, 'options.spanIDScope', /is not an option\. Did you mean spanIdScope\?/, { spanIDScope: 'root' });
  assertRejects({}, 'options.wal', /is not an option\. Did you mean wall\?/, { wal: true });
  assertRejects({}, 'options.xyz', /^options\.xyz: is not an option\. Known/, { xyz: 1 });
  // A config moved over from @pyroscope/nodejs: the spanprof name for each.
  for (const [key, use] of [
    ['appName', /@pyroscope\/nodejs's appName is serviceName\./],
    ['tenantID', /@pyroscope\/nodejs's tenantID is tenantId\./],
    ['flushIntervalMs', /is windowSeconds \(in seconds: flushIntervalMs \/ 1000\)/],
    ['sourceMapper', /is sourceMaps: true/],
    ['heap', /there is no heap profile/],
  ]) {
    assertRejects({}, `options.${key}`, use, { [key]: 1 });
  }
  assert.throws(() => resolveConfig(null, {}), /options: must be an object/);
});

test('the table lists every option and variable, and every constrained variable rejects a bad value', () => {
  const badValues = {
    SPANPROF_ENABLED: 'maybe',
    OTEL_SDK_DISABLED: 'maybe',
    OTEL_SERVICE_NAME: 'x'.repeat(3000),
    OTEL_RESOURCE_ATTRIBUTES: 'service.name',
    PYROSCOPE_SERVER_ADDRESS: 'ftp://h',
    SPANPROF_HEADERS: 'a b=c',
    SPANPROF_CA_FILE: path.join(tmp, 'nope.pem'),
    SPANPROF_UPLOAD_PROTOCOL: 'grpc',
    SPANPROF_UPLOAD_TIMEOUT_SECONDS: '0',
    SPANPROF_MAX_QUEUE_BYTES: 'huge',
    SPANPROF_TAGS: '=x',
    SPANPROF_OUTPUT_MAX_BYTES: '1',
    SPANPROF_OUTPUT_MAX_WINDOWS: '0',
    SPANPROF_WINDOW_SECONDS: '0',
    SPANPROF_SPAN_ID_SCOPE: 'x',
    SPANPROF_SPAN_NAME_SCOPE: 'x',
    SPANPROF_TRACE_ID_LABEL: 'x',
    SPANPROF_WALL: 'x',
    SPANPROF_SOURCE_MAPS: 'x',
    SPANPROF_LOG_LEVEL: 'x',
    OTEL_LOG_LEVEL: 'x',
    SPANPROF_MAX_LABEL_SETS: '0',
    PYROSCOPE_APPLICATION_NAME: ' ',
    PYROSCOPE_TENANT_ID: 'a\rb',
  };
  // Free text: any non-blank value is accepted.
  const freeText = new Set([
    'PYROSCOPE_AUTH_TOKEN', 'PYROSCOPE_BASIC_AUTH_USER', 'PYROSCOPE_BASIC_AUTH_PASSWORD', 'SPANPROF_OUTPUT_DIR',
  ]);
  const tableVars = OPTIONS_TABLE.flatMap((row) => row.env);
  for (const name of tableVars) {
    assert.ok(name in badValues || freeText.has(name), `${name} has no bad-value check`);
  }
  const needsServer = { PYROSCOPE_SERVER_ADDRESS: 'http://h' };
  for (const [name, value] of Object.entries(badValues)) {
    assert.ok(tableVars.includes(name), `${name} is missing from the table`);
    if (name === 'PYROSCOPE_APPLICATION_NAME') continue; // blank: unset, by design
    const env = name === 'PYROSCOPE_SERVER_ADDRESS' ? { [name]: value } : { ...needsServer, [name]: value };
    assertRejects(env, name);
  }
  const options = OPTIONS_TABLE.map((row) => row.option).sort();
  const known = resolveKnownOptions();
  assert.deepEqual(options, known.filter((o) => o !== 'ca').sort());
  const markdown = optionsTableMarkdown();
  for (const name of tableVars) assert.ok(markdown.includes(`\`${name}\``), name);
  assert.equal(markdown.split('\n').length, OPTIONS_TABLE.length + 2);
});

/** The option names resolveConfig accepts, read from its own error message. */
function resolveKnownOptions() {
  try {
    resolveConfig({ notAnOption: 1 }, {});
  } catch (err) {
    return err.message.replace(/^.*Known options: /, '').split(', ');
  }
  throw new Error('an unknown option was accepted');
}

test('the config builds the right exporter and a redacting logger', async () => {
  const dirConfig = resolveConfig({}, { SPANPROF_OUTPUT_DIR: path.join(tmp, 'out') });
  const lines = [];
  const logger = createLogger(dirConfig, (l) => lines.push(l));
  const local = createExporter(dirConfig, logger);
  assert.ok(local instanceof DirectoryExporter);
  await local.shutdown(100);

  const remoteConfig = resolveConfig({}, {
    PYROSCOPE_SERVER_ADDRESS: 'http://127.0.0.1:9',
    PYROSCOPE_BASIC_AUTH_USER: 'u',
    PYROSCOPE_BASIC_AUTH_PASSWORD: 'hunter2-password',
    SPANPROF_LOG_LEVEL: 'debug',
  });
  const remote = createExporter(remoteConfig, logger);
  assert.ok(remote instanceof PyroscopeExporter);
  await remote.shutdown(100);

  const both = createExporter(
    resolveConfig({}, { PYROSCOPE_SERVER_ADDRESS: 'http://127.0.0.1:9', SPANPROF_OUTPUT_DIR: path.join(tmp, 'o2') }),
    logger,
  );
  assert.ok(both instanceof FanOutExporter);
  assert.equal(both.outputs.length, 2);
  await both.shutdown(100);

  assert.equal(createExporter(resolveConfig({ enabled: false }, {}), logger), undefined);

  const remoteLines = [];
  const remoteLogger = createLogger(remoteConfig, (l) => remoteLines.push(l));
  remoteLogger.debug('server said: bad password hunter2-password');
  remoteLogger.debug(`header: Authorization: Basic ${Buffer.from('u:hunter2-password').toString('base64')}`);
  assert.equal(remoteLines.length, 2);
  for (const l of remoteLines) {
    assert.ok(!l.includes('hunter2'), l);
    assert.ok(l.startsWith('spanprof: debug: '), l);
  }
  const quiet = createLogger(resolveConfig({}, { SPANPROF_LOG_LEVEL: 'error' }), (l) => remoteLines.push(l));
  quiet.warn('not shown');
  assert.equal(remoteLines.length, 2);
});
