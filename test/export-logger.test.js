'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createStderrLogger, createRedactor, redactingLogger, REDACTED } = require('../dist/internal');

test('one line per message, prefixed, at or above the level', () => {
  const lines = [];
  const logger = createStderrLogger({ level: 'info', write: (l) => lines.push(l) });
  logger.debug('hidden');
  logger.info('first\nsecond line');
  logger.warn('w');
  logger.error('e');
  assert.deepEqual(lines, ['spanprof: info: first second line\n', 'spanprof: warn: w\n', 'spanprof: error: e\n']);
  const silent = [];
  const off = createStderrLogger({ level: 'silent', write: (l) => silent.push(l) });
  off.error('x');
  assert.deepEqual(silent, []);
});

test('a failing stderr never throws into the caller', () => {
  const logger = createStderrLogger({ write: () => { throw new Error('EPIPE'); } });
  assert.doesNotThrow(() => logger.error('x'));
});

test('redaction hides secrets, their base64, Authorization values and URL credentials', () => {
  const redact = createRedactor(['tok-123456', 'pa:ss', undefined, '']);
  const basic = Buffer.from('pa:ss').toString('base64');
  const cases = [
    ['token tok-123456 rejected', `token ${REDACTED} rejected`],
    [`header ${basic}`, `header ${REDACTED}`],
    ['Authorization: Bearer abc.def', `Authorization: Bearer ${REDACTED}`],
    ['authorization=Basic dXNlcjpwdw==', `authorization=Basic ${REDACTED}`],
    ['got bearer xyz from proxy', `got bearer ${REDACTED} from proxy`],
    ['fetch https://u:p@host/x failed', `fetch https://${REDACTED}@host/x failed`],
    ['nothing secret here', 'nothing secret here'],
  ];
  for (const [input, expected] of cases) assert.equal(redact(input), expected);
  const lines = [];
  const logger = redactingLogger(createStderrLogger({ level: 'debug', write: (l) => lines.push(l) }), redact);
  logger.warn('tok-123456');
  assert.deepEqual(lines, [`spanprof: warn: ${REDACTED}\n`]);
});

test("with a diag logger set through the OTel API, lines go there at the app's level, secrets hidden", () => {
  const { diag, DiagLogLevel } = require('@opentelemetry/api');
  const seen = [];
  const sink = Object.fromEntries(['error', 'warn', 'info', 'debug', 'verbose'].map((m) => [m, (msg) => seen.push(`${m} ${msg}`)]));
  const written = [];
  const logger = createStderrLogger({
    level: 'debug',
    redact: createRedactor(['hunter2']),
    diag: true,
    write: (l) => written.push(l),
  });
  try {
    diag.setLogger(sink, { logLevel: DiagLogLevel.INFO, suppressOverrideMessage: true });
    logger.debug('below the app level');
    logger.info('token hunter2');
    logger.warn('w');
    logger.error('e');
    assert.deepEqual(seen, ['info spanprof: token [redacted]', 'warn spanprof: w', 'error spanprof: e']);
    assert.deepEqual(written, [], 'stderr used beside diag');

    // A diag logger that throws is the app's problem, never spanprof's caller's.
    diag.setLogger({ ...sink, warn: () => { throw new Error('broken sink'); } }, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
    assert.doesNotThrow(() => logger.warn('still fine'));
  } finally {
    diag.disable();
  }
  logger.warn('after disable');
  assert.deepEqual(written, ['spanprof: warn: after disable\n'], 'back to stderr once no diag logger is set');
});
