// node:test reporter for scripts/flake-hunt.js: one JSON line per finished
// test, {file, name, ok, error, retries}. Nested tests are named
// "outer > inner". `retries` are the test's diagnostics that say it measured
// again ("attempt N: ..."): a pass that needed them is a near miss.
export default async function* flakeHuntReporter(source) {
  const open = [];
  // node:test reports a test's diagnostics after its pass or fail, so each
  // result waits for the next event that is not one of its diagnostics.
  let pending;
  for await (const event of source) {
    if (event.type === 'test:diagnostic') {
      if (pending !== undefined && event.data.nesting === pending.nesting && /^attempt \d+:/.test(event.data.message)) {
        (pending.record.retries ??= []).push(event.data.message);
      }
      continue;
    }
    if (pending !== undefined) {
      yield `${JSON.stringify(pending.record)}\n`;
      pending = undefined;
    }
    if (event.type === 'test:start') {
      open.length = event.data.nesting;
      open.push(event.data.name);
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    const name = [...open.slice(0, data.nesting), data.name].join(' > ');
    const ok = event.type === 'test:pass';
    // A skipped or todo test passes without having guarded anything.
    if (ok && (data.skip !== undefined || data.todo !== undefined)) continue;
    const error = ok ? undefined : firstLines(data.details?.error);
    pending = { nesting: data.nesting, record: { file: data.file, name, ok, error } };
  }
  if (pending !== undefined) yield `${JSON.stringify(pending.record)}\n`;
}

function firstLines(error) {
  if (!error) return 'failed';
  const cause = error.cause ?? error;
  const text = typeof cause === 'object' && cause !== null && 'message' in cause ? cause.message : String(cause);
  return String(text).split('\n').slice(0, 12).join(' | ').slice(0, 1200);
}
