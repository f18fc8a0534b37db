'use strict';
// An in-process ingest server on 127.0.0.1 that holds uploads to the rules
// Pyroscope documents and enforces, over both of its upload APIs:
//   POST /push.v1.PusherService/Push   Connect unary, JSON with base64 rawProfile
//   POST /ingest?name=app{k=v}&from=S&until=S&format=pprof   multipart field `profile`
// A broken upload gets 400 with Connect's {code, message} and is kept in
// `invalid`, so a test can show that nothing it sent was refused.
const http = require('node:http');
const https = require('node:https');
const zlib = require('node:zlib');
const { Response } = require('undici');
const { Profile } = require('pprof-format');

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const TRACE_ID = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Pyroscope's default bound on a label value, in bytes (Go's len of the string). */
const MAX_LABEL_VALUE = 2048;

class UploadError extends Error {}

function check(condition, message) {
  if (!condition) throw new UploadError(message);
}

/** Decodes and checks one pprof profile; returns the decoded Profile. */
function checkProfile(bytes) {
  let raw = bytes;
  if (raw[0] === 0x1f && raw[1] === 0x8b) raw = zlib.gunzipSync(raw);
  let profile;
  try {
    profile = Profile.decode(raw);
  } catch (err) {
    throw new UploadError(`not a pprof profile: ${err.message}`);
  }
  const str = (i) => profile.stringTable.strings[Number(i)];
  check(profile.sampleType.length > 0, 'profile has no sample type');
  check(Number(profile.timeNanos) > 0, 'profile has no time_nanos');
  const functionIds = new Set();
  for (const f of profile.function) {
    check(Number(f.id) !== 0, 'function id 0');
    functionIds.add(Number(f.id));
  }
  const locationIds = new Set();
  for (const l of profile.location) {
    check(Number(l.id) !== 0, 'location id 0');
    check(!locationIds.has(Number(l.id)), `duplicate location id ${l.id}`);
    locationIds.add(Number(l.id));
    for (const line of l.line) {
      check(Number(line.functionId) !== 0, 'line with function id 0');
      check(functionIds.has(Number(line.functionId)), `line names unknown function ${line.functionId}`);
    }
  }
  for (const s of profile.sample) {
    check(
      s.value.length === profile.sampleType.length,
      `sample has ${s.value.length} values for ${profile.sampleType.length} sample types`,
    );
    for (const id of s.locationId) {
      check(Number(id) !== 0, 'sample references location id 0');
      check(locationIds.has(Number(id)), `sample references unknown location ${id}`);
    }
    for (const label of s.label) {
      const key = str(label.key);
      const value = str(label.str);
      check(LABEL_NAME.test(key), `sample label name ${JSON.stringify(key)} is not a label name`);
      if (key === 'span_id') check(SPAN_ID.test(value), `span_id ${JSON.stringify(value)} is not 16 lowercase hex`);
      if (key === 'trace_id') check(TRACE_ID.test(value), `trace_id ${JSON.stringify(value)} is not 32 lowercase hex`);
      check(Buffer.byteLength(value) <= MAX_LABEL_VALUE, `label ${key} longer than ${MAX_LABEL_VALUE} bytes`);
    }
  }
  return profile;
}

/** The `__name__` Pyroscope gives a profile from its sample types. */
function seriesNameOf(profile) {
  const types = profile.sampleType.map((t) => profile.stringTable.strings[Number(t.type)]);
  if (types.includes('cpu')) return 'process_cpu';
  if (types.includes('wall')) return 'wall';
  return undefined;
}

function checkLabels(labels, profile) {
  const seen = new Set();
  for (const { name, value } of labels) {
    check(typeof name === 'string' && LABEL_NAME.test(name), `invalid label name ${JSON.stringify(name)}`);
    check(!seen.has(name), `duplicate label ${name}`);
    seen.add(name);
    check(typeof value === 'string' && value.length > 0, `label ${name} has no value`);
    check(Buffer.byteLength(value) <= MAX_LABEL_VALUE, `label ${name} longer than ${MAX_LABEL_VALUE} bytes`);
  }
  const get = (n) => labels.find((l) => l.name === n)?.value;
  check(get('__name__') !== undefined, 'series has no __name__ label');
  check(get('service_name') !== undefined, 'series has no service_name label');
  check(
    get('__name__') === seriesNameOf(profile),
    `__name__ ${get('__name__')} does not match the profile's sample types (${seriesNameOf(profile)})`,
  );
}

/** Parses `app{k=v,k2=v2}` as the legacy endpoint does. */
function parseIngestName(name) {
  const m = /^([^{}]+)(?:\{([^{}]*)\})?$/.exec(name ?? '');
  check(m, `invalid name ${JSON.stringify(name)}`);
  const tags = {};
  if (m[2]) {
    for (const pair of m[2].split(',')) {
      const eq = pair.indexOf('=');
      check(eq > 0, `invalid tag ${JSON.stringify(pair)} in name`);
      tags[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
  }
  return { app: m[1], tags };
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Starts the server. Options:
 *   tls: { key, cert }            serve https
 *   port: number                  listen there (default: any free port)
 *   requireAuthorization: string  exact Authorization header, else 401
 *   requireTenant: string         exact X-Scope-OrgID, else 401
 *   respond(req, server)          return {status, body?, headers?} to answer
 *                                 instead of ingesting, 'hang' to never answer,
 *                                 or undefined to ingest normally
 */
async function startIngestServer(options = {}) {
  const state = {
    /** Accepted uploads, in arrival order. */
    uploads: [],
    /** Uploads that broke a rule: { path, error }. */
    invalid: [],
    /** Every request: { path, status, headers, at }. */
    requests: [],
  };
  const hanging = new Set();

  async function ingest(req, url) {
    const headers = req.headers;
    if (url.pathname === '/push.v1.PusherService/Push') {
      check(
        (headers['content-type'] ?? '').startsWith('application/json'),
        `unsupported content type ${headers['content-type']}`,
      );
      let body;
      try {
        body = JSON.parse((await readBody(req)).toString('utf8'));
      } catch (err) {
        throw new UploadError(`body is not JSON: ${err.message}`);
      }
      check(Array.isArray(body.series) && body.series.length > 0, 'no series');
      const accepted = [];
      for (const series of body.series) {
        check(Array.isArray(series.labels), 'series has no labels');
        check(Array.isArray(series.samples) && series.samples.length > 0, 'series has no samples');
        for (const sample of series.samples) {
          check(typeof sample.rawProfile === 'string' && sample.rawProfile.length > 0, 'sample has no rawProfile');
          if (sample.ID !== undefined && sample.ID !== '') check(UUID.test(sample.ID), 'sample ID is not a UUID');
          const profile = checkProfile(Buffer.from(sample.rawProfile, 'base64'));
          checkLabels(series.labels, profile);
          accepted.push({
            protocol: 'push',
            labels: Object.fromEntries(series.labels.map((l) => [l.name, l.value])),
            profile,
          });
        }
      }
      return accepted;
    }
    if (url.pathname === '/ingest') {
      const q = url.searchParams;
      const { app, tags } = parseIngestName(q.get('name'));
      check(/^\d+$/.test(q.get('from') ?? ''), 'from is not a Unix time');
      check(/^\d+$/.test(q.get('until') ?? ''), 'until is not a Unix time');
      check(Number(q.get('from')) <= Number(q.get('until')), 'from is after until');
      check(q.get('format') === 'pprof', `format ${q.get('format')} is not pprof`);
      const type = headers['content-type'] ?? '';
      let bytes;
      if (type.startsWith('multipart/form-data')) {
        const form = await new Response(await readBody(req), { headers: { 'content-type': type } }).formData();
        const file = form.get('profile');
        check(file && typeof file.arrayBuffer === 'function', 'multipart has no profile field');
        bytes = Buffer.from(await file.arrayBuffer());
      } else {
        bytes = await readBody(req);
      }
      const profile = checkProfile(bytes);
      const seriesName = seriesNameOf(profile);
      check(seriesName !== undefined, 'profile has no cpu or wall sample type');
      const labels = [{ name: '__name__', value: seriesName }, { name: 'service_name', value: app }];
      for (const [name, value] of Object.entries(tags)) labels.push({ name, value });
      checkLabels(labels, profile);
      return [
        {
          protocol: 'ingest',
          labels: Object.fromEntries(labels.map((l) => [l.name, l.value])),
          profile,
          from: Number(q.get('from')),
          until: Number(q.get('until')),
        },
      ];
    }
    return undefined;
  }

  function answer(res, req, status, body, extraHeaders = {}) {
    state.requests.push({ path: req.url, status, headers: req.headers, at: Date.now() });
    res.writeHead(status, { 'content-type': 'application/json', ...extraHeaders });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://127.0.0.1');
    const custom = options.respond?.(req, server);
    if (custom === 'hang') {
      hanging.add(res);
      state.requests.push({ path: req.url, status: 0, headers: req.headers, at: Date.now() });
      req.resume();
      return;
    }
    if (custom) {
      await readBody(req);
      answer(res, req, custom.status, custom.body ?? { code: 'unavailable', message: 'custom answer' }, custom.headers);
      return;
    }
    if (req.method !== 'POST') return answer(res, req, 405, { code: 'unimplemented', message: 'POST only' });
    if (options.requireAuthorization !== undefined && req.headers.authorization !== options.requireAuthorization) {
      await readBody(req);
      return answer(res, req, 401, { code: 'unauthenticated', message: 'invalid credentials' });
    }
    if (options.requireTenant !== undefined && req.headers['x-scope-orgid'] !== options.requireTenant) {
      await readBody(req);
      return answer(res, req, 401, { code: 'unauthenticated', message: 'no org id' });
    }
    try {
      const accepted = await ingest(req, url);
      if (!accepted) return answer(res, req, 404, { code: 'not_found', message: `no route ${url.pathname}` });
      for (const a of accepted) state.uploads.push({ ...a, headers: req.headers, at: Date.now() });
      answer(res, req, 200, {});
    } catch (err) {
      if (!(err instanceof UploadError)) throw err;
      state.invalid.push({ path: req.url, error: err.message });
      answer(res, req, 400, { code: 'invalid_argument', message: err.message });
    }
  }

  const listener = (req, res) => {
    handle(req, res).catch((err) => {
      state.invalid.push({ path: req.url, error: `server error: ${err.stack}` });
      if (!res.headersSent) answer(res, req, 500, { code: 'internal', message: String(err) });
    });
  };
  const httpServer = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);
  await new Promise((resolve) => httpServer.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = httpServer.address();
  const server = {
    get uploads() {
      return state.uploads;
    },
    get invalid() {
      return state.invalid;
    },
    get requests() {
      return state.requests;
    },
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    async close() {
      for (const res of hanging) res.destroy();
      httpServer.closeAllConnections?.();
      await new Promise((resolve) => httpServer.close(() => resolve()));
    },
  };
  return server;
}

module.exports = { startIngestServer, checkProfile, parseIngestName };
