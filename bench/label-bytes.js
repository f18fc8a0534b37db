'use strict';
// What each sample label costs a written window, in gzip'd bytes: every
// window given is encoded again as it is, then once without each label key,
// its strings dropped from the string table too. Everything else is kept.
//
//   node bench/label-bytes.js <dir>/*.cpu.pb.gz
//
// Windows come from any output directory (`spanprof start` with a local
// directory, `npm run demo`, or a profile fetched from Pyroscope).
const fs = require('node:fs');
const zlib = require('node:zlib');
const { Profile, StringTable, Sample, Label, Location, Line, Mapping, Function: PprofFunction, ValueType } = require('pprof-format');

/** The profile encoded again, samples without the labels keyed by `dropped`; gzip'd bytes. */
function reencodedBytes(profile, dropped) {
  const old = profile.stringTable.strings;
  const table = new StringTable();
  const s = (i) => table.dedup(old[Number(i)]);
  const valueType = (t) => t && new ValueType({ type: s(t.type), unit: s(t.unit) });
  const out = new Profile({
    sampleType: profile.sampleType.map(valueType),
    periodType: valueType(profile.periodType),
    period: profile.period,
    timeNanos: profile.timeNanos,
    durationNanos: profile.durationNanos,
    comment: profile.comment.map(s),
    defaultSampleType: s(profile.defaultSampleType),
    dropFrames: s(profile.dropFrames),
    keepFrames: s(profile.keepFrames),
    docUrl: s(profile.docUrl),
    mapping: profile.mapping.map((m) => new Mapping({ ...m, filename: s(m.filename), buildId: s(m.buildId) })),
    function: profile.function.map(
      (f) => new PprofFunction({ id: f.id, name: s(f.name), systemName: s(f.systemName), filename: s(f.filename), startLine: f.startLine }),
    ),
    location: profile.location.map((l) => new Location({ ...l, line: l.line.map((x) => new Line(x)) })),
    sample: profile.sample.map(
      (x) =>
        new Sample({
          locationId: x.locationId,
          value: x.value,
          label: x.label
            .filter((l) => !dropped.has(old[Number(l.key)]))
            .map((l) => new Label({ key: s(l.key), str: l.str ? s(l.str) : 0, num: l.num, numUnit: l.numUnit ? s(l.numUnit) : 0 })),
        }),
    ),
    stringTable: table,
  });
  return zlib.gzipSync(out.encode()).length;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/label-bytes.js <window.pb.gz>...');
  process.exit(2);
}
const totals = new Map();
let all = 0;
for (const file of files) {
  const profile = Profile.decode(zlib.gunzipSync(fs.readFileSync(file)));
  const keys = new Set();
  for (const x of profile.sample) for (const l of x.label) keys.add(profile.stringTable.strings[Number(l.key)]);
  const whole = reencodedBytes(profile, new Set());
  all += whole;
  const parts = [...keys].sort().map((k) => {
    const saved = whole - reencodedBytes(profile, new Set([k]));
    totals.set(k, (totals.get(k) ?? 0) + saved);
    return `${k} ${saved}`;
  });
  console.log(`${file}: ${profile.sample.length} samples, ${whole} bytes; without each label, bytes saved: ${parts.join(', ') || 'no labels'}`);
}
for (const [k, saved] of totals) console.log(`${k}: ${((100 * saved) / all).toFixed(1)}% of ${all} bytes`);
