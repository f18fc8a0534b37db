'use strict';
// Starts bench children with the running node and reads their JSON lines.
const { spawn } = require('node:child_process');

/**
 * Runs `script` in a fresh node process and resolves with its last stdout
 * line parsed as JSON. Rejects on a non-zero exit or a timeout, with stderr.
 */
function runJson(script, args, { timeoutMs = 120_000, env, execArgv = [] } = {}) {
  const child = startChild(script, args, { env, execArgv });
  return child.result(timeoutMs);
}

/**
 * Starts a child and returns helpers: `line(pred)` waits for a JSON line
 * matching pred (e.g. a server saying it is ready), `result()` waits for exit.
 */
function startChild(script, args, { env, execArgv = [] } = {}) {
  const proc = spawn(process.execPath, [...execArgv, script, ...args], {
    env: env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = [];
  let buffered = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (chunk) => {
    stdout += chunk;
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        continue;
      }
      for (const w of [...waiters]) {
        if (w.pred(msg)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(msg);
        }
      }
    }
  });
  proc.stderr.on('data', (chunk) => {
    // Keep the tail only: a chatty child must not grow this process.
    stderr = (stderr + chunk).slice(-20_000);
  });
  const exited = new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal })));
  const describe = (what) => `${script} ${args.join(' ')}: ${what}\n${stderr.trim()}`;

  return {
    proc,
    line(pred, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(describe('no expected line in time'))), timeoutMs);
        const w = { pred, resolve: (m) => (clearTimeout(timer), resolve(m)) };
        waiters.push(w);
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          if (waiters.includes(w)) reject(new Error(describe(`exited (${code ?? signal}) before the expected line`)));
        });
      });
    },
    async result(timeoutMs = 120_000) {
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      const { code, signal } = await exited;
      clearTimeout(timer);
      if (code !== 0) throw new Error(describe(`exited with ${code ?? signal}`));
      const last = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (!last) throw new Error(describe('printed no JSON'));
      return JSON.parse(last);
    },
    kill() {
      proc.kill('SIGTERM');
    },
  };
}

module.exports = { runJson, startChild };
