'use strict';
// A self-signed certificate for 127.0.0.1, made with openssl for one test
// and removed after it; undefined where openssl is not installed.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** { key, cert, certFile } for 127.0.0.1, or undefined without openssl. */
function selfSignedCert(t) {
  if (spawnSync('openssl', ['version']).status !== 0) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-tls-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  const made = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ]);
  assert.equal(made.status, 0, String(made.stderr));
  return { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile), certFile };
}

module.exports = { selfSignedCert };
