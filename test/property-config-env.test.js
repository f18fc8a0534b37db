'use strict';
// Random environments: resolveConfig either gives exactly what each variable
// says (by an oracle written from the options table, not from the code), or
// throws a ConfigError that names a spanprof variable and says what it
// accepts. A value the oracle rejects is never accepted silently.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fc = require('fast-check');
const { resolveConfig, ConfigError, OPTIONS_TABLE } = require('../dist/internal');

const KNOWN_VARS = new Set(OPTIONS_TABLE.flatMap((row) => row.env));

// Names every plain object inherits: a lookup table must not mistake them for its own keys.
const inheritedNames = fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty');
const junk = fc.oneof(
  fc.string({ maxLength: 12 }),
  inheritedNames,
  inheritedNames.map((n) => `1${n}`),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', '   ', '\u0000', '\ud800', 'yes', 'on', '-1', 'NaN', 'Infinity', '1e3', '0x10', '١٢'),
);
const padded = (arb) => fc.tuple(fc.constantFrom('', ' ', '\t'), arb, fc.constantFrom('', ' ', '\n')).map(([a, v, b]) => a + v + b);
const casing = (arb) => fc.tuple(arb, fc.boolean()).map(([v, up]) => (up ? v.toUpperCase() : v));

const boolValue = fc.oneof(padded(casing(fc.constantFrom('true', 'false', '1', '0'))), junk);
const enumValue = (accepted) => fc.oneof(padded(casing(fc.constantFrom(...accepted))), junk);
const numberText = fc.oneof(
  fc.integer({ min: 0, max: 400 }).map(String),
  fc.double({ min: 0, max: 400, noNaN: true }).map((n) => n.toFixed(3)),
  fc.constantFrom('.5', '+2', '2.', '0.1', '60', '61', '300', '300.0001'),
);
const numberValue = fc.oneof(padded(numberText), junk);
const bytesValue = fc.oneof(
  padded(
    fc
      .tuple(fc.integer({ min: 0, max: 4096 }), fc.constantFrom('', 'b', 'k', 'KiB', 'kb', 'M', 'mib', 'MB', 'g', 'GiB', 'T', 'x'))
      .map(([n, u]) => `${n}${u}`),
  ),
  junk,
);
const nameValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('checkout', 'a{b}', ' ', '€'.repeat(700), 'x'.repeat(2049)),
);

/** Variables with an oracle: value → { ok, value } or { ok: false }. */
const BOOLEAN = { true: true, 1: true, false: false, 0: false };
function parseBool(raw) {
  const key = raw.trim().toLowerCase();
  return Object.hasOwn(BOOLEAN, key) ? { ok: true, value: BOOLEAN[key] } : { ok: false };
}
const parseEnum = (accepted) => (raw) => {
  const v = raw.trim().toLowerCase();
  return accepted.includes(v) ? { ok: true, value: v } : { ok: false };
};
const parseNumber = (min, max) => (raw) => {
  const v = raw.trim();
  if (!/^\+?(\d+(\.\d*)?|\.\d+)$/.test(v)) return { ok: false };
  const n = Number(v);
  return n >= min && n <= max ? { ok: true, value: n } : { ok: false };
};
const UNIT = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };
const parseBytes = (min, max) => (raw) => {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  if (!m || !Object.hasOwn(UNIT, m[2].toLowerCase())) return { ok: false };
  const n = Math.floor(Number(m[1]) * UNIT[m[2].toLowerCase()]);
  return n >= min && n <= max ? { ok: true, value: n } : { ok: false };
};
const parseName = (raw) => {
  const v = raw.trim();
  const bytes = Buffer.byteLength(v, 'utf8');
  return bytes >= 1 && bytes <= 2048 ? { ok: true, value: v } : { ok: false };
};

/** name → [arbitrary, oracle, where the value lands in the config]. */
const VARS = {
  SPANPROF_WALL: [boolValue, parseBool, (c) => c.wall],
  SPANPROF_SOURCE_MAPS: [boolValue, parseBool, (c) => c.sourceMaps],
  SPANPROF_LOG_LEVEL: [enumValue(['debug', 'info', 'warn', 'error', 'silent']), parseEnum(['debug', 'info', 'warn', 'error', 'silent']), (c) => c.logLevel],
  SPANPROF_SPAN_ID_SCOPE: [enumValue(['root', 'all', 'none']), parseEnum(['root', 'all', 'none']), (c) => c.spanIdScope],
  SPANPROF_SPAN_NAME_SCOPE: [enumValue(['root', 'all', 'none']), parseEnum(['root', 'all', 'none']), (c) => c.spanNameScope],
  SPANPROF_UPLOAD_PROTOCOL: [enumValue(['push', 'ingest']), parseEnum(['push', 'ingest']), (c) => c.pyroscope?.target.protocol],
  SPANPROF_WINDOW_SECONDS: [numberValue, parseNumber(1, 60), (c) => c.windowMs / 1000],
  SPANPROF_UPLOAD_TIMEOUT_SECONDS: [numberValue, parseNumber(0.1, 300), (c) => c.pyroscope?.target.timeoutMs / 1000],
  SPANPROF_MAX_QUEUE_BYTES: [bytesValue, parseBytes(64 * 1024, 1024 ** 3), (c) => c.directory.maxQueueBytes],
  SPANPROF_OUTPUT_MAX_BYTES: [bytesValue, parseBytes(1024 ** 2, 1024 ** 4), (c) => c.directory.maxBytes],
  OTEL_SERVICE_NAME: [nameValue, parseName, (c) => c.serviceName],
};

const envArb = fc.record(
  {
    ...Object.fromEntries(Object.entries(VARS).map(([name, [arb]]) => [name, arb])),
    SPANPROF_ENABLED: boolValue,
    OTEL_SDK_DISABLED: enumValue(['true', 'false']),
    PYROSCOPE_SERVER_ADDRESS: fc.oneof(fc.constantFrom('http://127.0.0.1:4040', 'https://p.example/x/', 'ftp://h', 'http://h?q=1', 'not a url'), junk),
    SPANPROF_TAGS: fc.oneof(fc.constantFrom('env=prod', 'env=prod,region=eu', 'a', 'service_name=x', '__x=1', 'env=a{b}'), junk),
  },
  { requiredKeys: [] },
);

const blank = (v) => v === undefined || v.trim() === '';

function assertNamedError(err, env) {
  assert.ok(err instanceof ConfigError, `not a ConfigError: ${err && err.stack}`);
  assert.ok(KNOWN_VARS.has(err.setting), `the error names ${err.setting}, not a variable of the table`);
  assert.ok(err.message.startsWith(`${err.setting}: `), err.message);
  assert.ok(err.message.length > err.setting.length + 10, `a bare message: ${err.message}`);
  assert.ok(!/\n/.test(err.message), 'one line');
  return err.setting in env ? err.setting : undefined;
}

test('random environments configure exactly, or fail naming the variable', () => {
  let configured = 0;
  let refused = 0;
  fc.assert(
    fc.property(envArb, (env) => {
      // An output directory that exists nowhere: resolving only computes its path.
      env = { ...env, SPANPROF_OUTPUT_DIR: '/nonexistent/spanprof-property' };
      const enabled = blank(env.SPANPROF_ENABLED) ? { ok: true, value: true } : parseBool(env.SPANPROF_ENABLED);
      const sdkRaw = blank(env.OTEL_SDK_DISABLED) ? { ok: true, value: 'false' } : parseEnum(['true', 'false'])(env.OTEL_SDK_DISABLED);
      const sdk = { ok: sdkRaw.ok, value: sdkRaw.value === 'true' };
      let config;
      try {
        config = resolveConfig({}, env);
      } catch (err) {
        refused++;
        const named = assertNamedError(err, env);
        // The named variable is one the oracle also finds wrong (or one whose meaning it leaves to the code).
        if (named !== undefined && VARS[named]) {
          const ok = blank(env[named]) || VARS[named][1](env[named]).ok;
          const ingestBrace = named === 'OTEL_SERVICE_NAME' && /[{}]/.test(env[named]);
          assert.ok(!ok || ingestBrace, `${named}=${JSON.stringify(env[named])} was refused: ${err.message}`);
        }
        return;
      }
      configured++;
      if (!enabled.ok) assert.fail(`SPANPROF_ENABLED=${JSON.stringify(env.SPANPROF_ENABLED)} was accepted`);
      if (enabled.value === false || (sdk.ok && sdk.value === true)) {
        assert.equal(config.enabled, false, 'turned off, yet enabled');
        return; // When off, nothing else is read: documented.
      }
      if (!sdk.ok) assert.fail(`OTEL_SDK_DISABLED=${JSON.stringify(env.OTEL_SDK_DISABLED)} was accepted`);
      assert.equal(config.enabled, true);
      const hasServer = config.pyroscope !== undefined;
      for (const [name, [, oracle, read]] of Object.entries(VARS)) {
        const raw = env[name];
        if (blank(raw)) continue;
        const expected = oracle(raw);
        assert.ok(expected.ok, `${name}=${JSON.stringify(raw)} was accepted silently`);
        // Upload settings land in the config only with a server.
        if (!hasServer && (name === 'SPANPROF_UPLOAD_PROTOCOL' || name === 'SPANPROF_UPLOAD_TIMEOUT_SECONDS')) continue;
        const got = read(config);
        if (typeof expected.value === 'number') assert.ok(Math.abs(got - expected.value) < 1e-3, `${name}: ${got} vs ${expected.value}`);
        else assert.equal(got, expected.value, name);
      }
    }),
    { numRuns: 2000 },
  );
  // Both outcomes must actually happen for the property to mean anything.
  assert.ok(configured > 50 && refused > 50, `configured ${configured}, refused ${refused}`);
});

test('each variable alone: accepted exactly when the table accepts it, else refused by name', () => {
  const oneVar = fc.constantFrom(...Object.keys(VARS)).chain((name) => VARS[name][0].map((value) => [name, value]));
  fc.assert(
    fc.property(oneVar, ([name, raw]) => {
      // Upload settings are read with a server address only.
      const env = { PYROSCOPE_SERVER_ADDRESS: 'http://127.0.0.1:4040', SPANPROF_OUTPUT_DIR: '/nonexistent/x', [name]: raw };
      const [, oracle, read] = VARS[name];
      const expected = blank(raw) ? { ok: true } : oracle(raw);
      let config;
      try {
        config = resolveConfig({}, env);
      } catch (err) {
        assertNamedError(err, env);
        assert.equal(err.setting, name, err.message);
        assert.ok(!expected.ok, `${name}=${JSON.stringify(raw)} refused: ${err.message}`);
        return;
      }
      assert.ok(expected.ok, `${name}=${JSON.stringify(raw)} was accepted silently`);
      if (expected.value === undefined) return;
      const got = read(config);
      if (typeof expected.value === 'number') assert.ok(Math.abs(got - expected.value) < 1e-3, `${name}: ${got} vs ${expected.value}`);
      else assert.equal(got, expected.value, name);
    }),
    { numRuns: 3000 },
  );
});
