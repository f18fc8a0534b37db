'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createStderrLogger, createRedactor, redactingLogger, REDACTED } = require('../dist/export/index.js');

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
