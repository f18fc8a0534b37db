// node:test reporter for scripts/flake-hunt.js: one JSON line per finished
// test, {file, name, ok, error, retries}. Nested tests are named
// "outer > inner". `retries` are the test's diagnostics that say it measured
// again ("attempt N: ..."): a pass that needed them is a near miss.
export default async function* flakeHuntReporter(source) {
  const open = [];
  let retries = [];
  for await (const event of source) {
    if (event.type === 'test:start') {
      open.length = event.data.nesting;
      open.push(event.data.name);
      continue;
    }
    if (event.type === 'test:diagnostic' && /^attempt \d+:/.test(event.data.message)) {
      retries.push(event.data.message);
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    const name = [...open.slice(0, data.nesting), data.name].join(' > ');
    const ok = event.type === 'test:pass';
    // A skipped or todo test passes without having guarded anything.
    if (ok && (data.skip !== undefined || data.todo !== undefined)) continue;
    const error = ok ? undefined : firstLines(data.details?.error);
    yield `${JSON.stringify({ file: data.file, name, ok, error, retries: retries.length > 0 ? retries : undefined })}\n`;
    retries = [];
  }
}

function firstLines(error) {
  if (!error) return 'failed';
  const cause = error.cause ?? error;
  const text = typeof cause === 'object' && cause !== null && 'message' in cause ? cause.message : String(cause);
  return String(text).split('\n').slice(0, 12).join(' | ').slice(0, 1200);
}
