'use strict';
// CPU time of a process's threads, from /proc/<pid>/task (Linux only).
const fs = require('node:fs');

const USER_HZ = 100;

/**
 * A thread's time on a CPU: from `schedstat` in nanoseconds where the kernel
 * keeps it, else from `stat`'s utime and stime, which count whole clock
 * ticks and so misjudge a thread that wakes briefly every 10 ms.
 */
function onCpuSeconds(dir) {
  try {
    return Number(fs.readFileSync(`${dir}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
  } catch {
    const stat = fs.readFileSync(`${dir}/stat`, 'utf8');
    // Fields after the parenthesised name: utime and stime are 14th and 15th.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / USER_HZ;
  }
}

/** Times the thread left a CPU, by its own wait or by preemption. */
function contextSwitches(dir) {
  const status = fs.readFileSync(`${dir}/status`, 'utf8');
  const count = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return count('voluntary_ctxt_switches') + count('nonvoluntary_ctxt_switches');
}

/** CPU seconds and context switches of each thread of `pid`, by thread id, with its name. */
function threadCpu(pid = process.pid) {
  const out = new Map();
  let tids;
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out; // not Linux, or the process has exited
  }
  for (const tid of tids) {
    try {
      const dir = `/proc/${pid}/task/${tid}`;
      const name = fs.readFileSync(`${dir}/comm`, 'utf8').trim();
      out.set(tid, { name, s: onCpuSeconds(dir), switches: contextSwitches(dir) });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/**
 * CPU ms and context switches between two readings, summed by thread kind:
 * `main` for the process's own thread, else the thread's name. A thread
 * that ended before `after` was read is not counted.
 */
function threadDeltas(before, after, pid = process.pid) {
  const out = {};
  for (const [tid, a] of after) {
    const name = tid === String(pid) ? 'main' : a.name;
    const b = before.get(tid);
    const sum = (out[name] ??= { ms: 0, switches: 0 });
    sum.ms += (a.s - (b?.s ?? 0)) * 1000;
    sum.switches += a.switches - (b?.switches ?? 0);
  }
  return out;
}

/** CPU ms used between two readings, by thread kind (see threadDeltas). */
function threadCpuDeltaMs(before, after, pid = process.pid) {
  const out = {};
  for (const [name, d] of Object.entries(threadDeltas(before, after, pid))) out[name] = d.ms;
  return out;
}

module.exports = { threadCpu, threadDeltas, threadCpuDeltaMs };
