// Unit tests for TickMatcher: how V8 samples (µs timestamps) are matched to
// the ticks of our SIGPROF handler (ns), the untimed rule, and how CPU and
// wall time reach the samples when a window closes.
#include "tick_matcher.h"

#include <cstdint>
#include <vector>

#include "check.h"

using spanprof::TickMatcher;
using spanprof::TickRecord;
using spanprof::ToUs;

namespace {

constexpr int kIntervalUs = 10000;  // 100 Hz
constexpr int64_t kIntervalNs = kIntervalUs * 1000LL;
constexpr int64_t kT0 = 5'000'000'000;  // some monotonic time, ns

// Tick k of a steady 100 Hz run: V8's handler takes 20 µs between our reads.
TickRecord Tick(uint32_t k, int64_t cpu_ns = 0, int32_t slot = 0) {
  const int64_t before = kT0 + (k + 1) * kIntervalNs;
  return TickRecord{before, before + 20'000, cpu_ns, slot, k};
}

// The timestamp V8 gives the sample it takes inside tick k's handler.
int64_t SampleIn(const TickRecord& r) { return (ToUs(r.before_ns) + ToUs(r.after_ns)) / 2; }

// Just after tick k's window, well before tick k+1's: where V8 stamps a
// deoptimization sample taken between two signals.
int64_t Between(const TickRecord& r) { return ToUs(r.after_ns) + 1000; }

struct Counts {
  int matched = 0;
  int untimed = 0;
  int unmatched = 0;
};

// The classification the translator does for each V8 sample, in V8's order.
Counts Classify(TickMatcher& m, const std::vector<int64_t>& samples) {
  Counts c;
  int32_t next_sample = 0;
  for (int64_t ts : samples) {
    const TickMatcher::SampleMatch match = m.Match(ts);
    if (match.tick >= 0) {
      m.Claim(match.tick, next_sample++);
      ++c.matched;
    } else if (match.untimed) {
      ++c.untimed;
    } else {
      ++c.unmatched;
    }
  }
  return c;
}

TickMatcher Steady(uint32_t ticks) {
  TickMatcher m(kIntervalUs);
  m.Reset(0, kT0);
  for (uint32_t k = 0; k < ticks; ++k) m.AddTick(Tick(k));
  return m;
}

}  // namespace

TEST("ToUs truncates to microseconds and adds one, as V8's TimeTicks does") {
  CHECK_EQ(ToUs(0), 1);
  CHECK_EQ(ToUs(999), 1);
  CHECK_EQ(ToUs(1000), 2);
  CHECK_EQ(ToUs(kT0), kT0 / 1000 + 1);
}

TEST("a sample inside a tick's window matches that tick") {
  TickMatcher m = Steady(5);
  for (uint32_t k = 0; k < 5; ++k) {
    const TickMatcher::SampleMatch match = m.Match(SampleIn(Tick(k)));
    CHECK_EQ(match.tick, static_cast<int64_t>(k));
    CHECK(!match.untimed);
  }
}

TEST("window bounds are inclusive, in V8's rounded microseconds") {
  TickMatcher m = Steady(3);
  const TickRecord r = Tick(1);
  CHECK_EQ(m.FindTick(ToUs(r.before_ns)), 1);
  CHECK_EQ(m.FindTick(ToUs(r.after_ns)), 1);
  CHECK_EQ(m.FindTick(ToUs(r.before_ns) - 1), -1);
  CHECK_EQ(m.FindTick(ToUs(r.after_ns) + 1), -1);
}

TEST("rounding: a tick read 999 ns into a microsecond still holds a sample stamped in it") {
  TickMatcher m(kIntervalUs);
  m.Reset(0, kT0);
  // before = ...000999 ns rounds to the same µs as ...000000.
  m.AddTick(TickRecord{kT0 + 999, kT0 + 5'000, 0, 0, 0});
  CHECK_EQ(m.FindTick(ToUs(kT0)), 0);
}

TEST("no nearest-tick guess: a sample 1 µs outside every window matches none") {
  TickMatcher m = Steady(3);
  // After the last tick there is no right neighbour, so not untimed either.
  const TickMatcher::SampleMatch match = m.Match(ToUs(Tick(2).after_ns) + 1);
  CHECK_EQ(match.tick, -1);
  CHECK(!match.untimed);
}

TEST("a claimed tick is not matched again: the next unclaimed one holding the sample is") {
  TickMatcher m(kIntervalUs);
  m.Reset(0, kT0);
  // Two ticks in the same microseconds (a second profiler's signal right
  // behind ours): equal times, in handler order.
  const TickRecord a{kT0 + 1'000, kT0 + 3'000, 0, 0, 0};
  const TickRecord b{kT0 + 1'000, kT0 + 3'000, 0, 0, 1};
  m.AddTick(a);
  m.AddTick(b);
  const int64_t ts = ToUs(a.before_ns) + 1;
  CHECK_EQ(m.FindTick(ts), 0);
  m.Claim(0, 0);
  CHECK_EQ(m.FindTick(ts), 1);
  m.Claim(1, 1);
  CHECK_EQ(m.FindTick(ts), -1);
}

TEST("duplicated sample timestamps: the second one in a claimed window is unmatched, not untimed") {
  TickMatcher m = Steady(3);
  const int64_t ts = SampleIn(Tick(1));
  const Counts c = Classify(m, {ts, ts});
  CHECK_EQ(c.matched, 1);
  CHECK_EQ(c.untimed, 0);
  CHECK_EQ(c.unmatched, 1);
}

TEST("samples out of order each find their own tick") {
  TickMatcher m = Steady(4);
  const std::vector<uint32_t> order = {3, 0, 2, 1};
  for (uint32_t k : order) {
    const int64_t tick = m.FindTick(SampleIn(Tick(k)));
    CHECK_EQ(tick, static_cast<int64_t>(k));
    m.Claim(tick, static_cast<int32_t>(k));
  }
  int calls = 0;
  m.Settle(0, [&](int32_t sample, int64_t, int64_t) {
    // Settled in tick order whatever order the samples came in.
    CHECK_EQ(sample, calls);
    ++calls;
  });
  CHECK_EQ(calls, 4);
}

TEST("empty: no ticks, no samples") {
  TickMatcher m(kIntervalUs);
  m.Reset(0, kT0);
  const TickMatcher::SampleMatch match = m.Match(ToUs(kT0));
  CHECK_EQ(match.tick, -1);
  CHECK(!match.untimed);
  int calls = 0;
  CHECK_EQ(m.Settle(kT0, [&](int32_t, int64_t, int64_t) { ++calls; }), 0u);
  CHECK_EQ(calls, 0);
  CHECK_EQ(m.pending(), 0u);
}

TEST("no samples: ticks before the cutoff are final and counted, later ones stay pending") {
  TickMatcher m = Steady(5);
  const int64_t cutoff = Tick(3).after_ns;  // tick 3 ends at the cutoff: kept
  int calls = 0;
  CHECK_EQ(m.Settle(cutoff, [&](int32_t, int64_t, int64_t) { ++calls; }), 3u);
  CHECK_EQ(calls, 0);
  CHECK_EQ(m.pending(), 2u);
  // The kept ones are still there to be matched by the next profile.
  CHECK_EQ(m.FindTick(SampleIn(Tick(3))), 0);
  CHECK_EQ(m.FindTick(SampleIn(Tick(4))), 1);
}

TEST("untimed: a sample between two consecutive ticks") {
  TickMatcher m = Steady(3);
  const TickMatcher::SampleMatch match = m.Match(Between(Tick(0)));
  CHECK_EQ(match.tick, -1);
  CHECK(match.untimed);
}

TEST("untimed needs the sample strictly after the left tick's window") {
  TickMatcher m = Steady(3);
  m.Claim(0, 0);
  // Inside tick 0's (claimed) window: a second sample for one signal.
  CHECK(!m.Untimed(ToUs(Tick(0).after_ns)));
  CHECK(m.Untimed(ToUs(Tick(0).after_ns) + 1));
  // Up to just before the right tick's window.
  CHECK(m.Untimed(ToUs(Tick(1).before_ns) - 1));
}

TEST("not untimed when a tick was dropped between the two neighbours") {
  TickMatcher m(kIntervalUs);
  m.Reset(0, kT0);
  m.AddTick(Tick(0));
  m.AddTick(Tick(2));  // seq 1 never reached the ring
  // The sample may be the dropped tick's own: unmatched, not untimed.
  const TickMatcher::SampleMatch match = m.Match(Between(Tick(0)));
  CHECK_EQ(match.tick, -1);
  CHECK(!match.untimed);
}

TEST("untimed across a tick count that wraps") {
  TickMatcher m(kIntervalUs);
  m.Reset(0, kT0);
  TickRecord a = Tick(0);
  TickRecord b = Tick(1);
  a.seq = UINT32_MAX;
  b.seq = 0;
  m.AddTick(a);
  m.AddTick(b);
  CHECK(m.Untimed(Between(a)));
}

TEST("untimed only inside a gap of at most 20 intervals") {
  for (int64_t gap_intervals : {20, 21}) {
    TickMatcher m(kIntervalUs);
    m.Reset(0, kT0);
    const TickRecord a = Tick(0);
    TickRecord b = a;
    b.seq = 1;
    b.before_ns = a.after_ns + gap_intervals * kIntervalNs;
    b.after_ns = b.before_ns + 20'000;
    m.AddTick(a);
    m.AddTick(b);
    CHECK_EQ(m.Untimed(Between(a)), gap_intervals <= 20);
  }
  // The bound scales with the interval: 20 ms is 20 intervals at 1 kHz.
  TickMatcher fast(1000);
  fast.Reset(0, kT0);
  fast.AddTick(TickRecord{kT0, kT0 + 10'000, 0, 0, 0});
  fast.AddTick(TickRecord{kT0 + 10'000 + 20'000'000, kT0 + 10'000 + 20'020'000, 0, 0, 1});
  CHECK(fast.Untimed(ToUs(kT0 + 10'000) + 5));
  TickMatcher fast2(1000);
  fast2.Reset(0, kT0);
  fast2.AddTick(TickRecord{kT0, kT0 + 10'000, 0, 0, 0});
  fast2.AddTick(TickRecord{kT0 + 10'000 + 20'001'000, kT0 + 10'000 + 20'021'000, 0, 0, 1});
  CHECK(!fast2.Untimed(ToUs(kT0 + 10'000) + 5));
}

TEST("before the first tick: unmatched, unless the origin stands as its left neighbour") {
  const int64_t ts = ToUs(Tick(0).before_ns) - 1000;
  {
    TickMatcher m = Steady(2);
    const TickMatcher::SampleMatch match = m.Match(ts);
    CHECK_EQ(match.tick, -1);
    CHECK(!match.untimed);
  }
  {
    // Our handler went in front of V8's at kT0 + 1 ms; its next tick is seq 0.
    TickMatcher m = Steady(2);
    m.SetOrigin(kT0 + 1'000'000, 0);
    CHECK(m.Match(ts).untimed);
    // At or before the origin (sample 0, taken by StartProfiling): unmatched.
    CHECK(!m.Match(ToUs(kT0 + 1'000'000)).untimed);
    CHECK(!m.Match(ToUs(kT0)).untimed);
  }
  {
    // The origin's tick count does not lead to the first tick: unmatched.
    TickMatcher m = Steady(2);
    m.SetOrigin(kT0 + 1'000'000, 7);
    CHECK(!m.Match(ts).untimed);
  }
}

TEST("after the last tick: unmatched, not untimed (no right neighbour yet)") {
  TickMatcher m = Steady(3);
  const TickMatcher::SampleMatch match = m.Match(Between(Tick(2)));
  CHECK_EQ(match.tick, -1);
  CHECK(!match.untimed);
}

TEST("a window with signal and deoptimization samples: the untimed ones are left out and counted") {
  TickMatcher m(kIntervalUs);
  m.Reset(0, kT0);
  m.SetOrigin(kT0, 0);
  std::vector<int64_t> samples = {ToUs(kT0)};  // sample 0, at StartProfiling
  for (uint32_t k = 0; k < 10; ++k) {
    m.AddTick(Tick(k));
    samples.push_back(SampleIn(Tick(k)));
    if (k == 3) {
      for (int d = 0; d < 5; ++d) samples.push_back(Between(Tick(k)) + d);
    }
  }
  samples.push_back(Between(Tick(9)));  // after the last tick
  const Counts c = Classify(m, samples);
  CHECK_EQ(c.matched, 10);
  CHECK_EQ(c.untimed, 5);
  CHECK_EQ(c.unmatched, 2);
}

TEST("settle: time since the previous claimed tick, an unclaimed tick's time passed on") {
  TickMatcher m(kIntervalUs);
  m.Reset(1'000, kT0);
  for (uint32_t k = 0; k < 4; ++k) m.AddTick(Tick(k, 1'000 + (k + 1) * 9'000'000));
  m.Claim(0, 0);
  m.Claim(2, 1);  // tick 1 unclaimed, tick 3 too
  std::vector<int64_t> cpu(2, -1);
  std::vector<int64_t> wall(2, -1);
  const uint32_t unmatched = m.Settle(Tick(3).after_ns + 1, [&](int32_t s, int64_t c, int64_t w) {
    cpu[s] = c;
    wall[s] = w;
  });
  CHECK_EQ(unmatched, 2u);
  CHECK_EQ(cpu[0], 9'000'000);
  CHECK_EQ(wall[0], Tick(0).after_ns - kT0);
  CHECK_EQ(cpu[1], 18'000'000);
  CHECK_EQ(wall[1], Tick(2).after_ns - Tick(0).after_ns);
  CHECK_EQ(m.pending(), 0u);
}

TEST("settle: a clock going back gives zero, never a negative time") {
  TickMatcher m(kIntervalUs);
  m.Reset(50'000'000, Tick(1).after_ns);
  m.AddTick(Tick(0, 10'000'000));
  m.Claim(0, 0);
  m.Settle(0, [&](int32_t, int64_t c, int64_t w) {
    CHECK_EQ(c, 0);
    CHECK_EQ(w, 0);
  });
}

TEST("across windows: kept ticks match the next profile, and time runs on from the last settled") {
  TickMatcher m(kIntervalUs);
  m.Reset(0, kT0);
  for (uint32_t k = 0; k < 4; ++k) m.AddTick(Tick(k, (k + 1) * 1'000'000));
  m.Claim(0, 0);
  // Next profile started during tick 2: ticks 2 and 3 may be its.
  CHECK_EQ(m.Settle(Tick(2).before_ns, [](int32_t, int64_t, int64_t) {}), 1u);  // tick 1
  CHECK_EQ(m.pending(), 2u);
  m.AddTick(Tick(4, 5'000'000));
  CHECK_EQ(m.FindTick(SampleIn(Tick(3))), 1);
  m.Claim(1, 0);
  // Tick 1, settled as unmatched, is the last to have left: it is still the
  // left neighbour of a sample between it and the first kept tick.
  CHECK(m.Untimed(Between(Tick(1))));
  CHECK(!m.Untimed(Between(Tick(0))));
  // Between the kept ticks 2 and 3: untimed.
  CHECK(m.Untimed(Between(Tick(2))));
  int64_t cpu = -1;
  CHECK_EQ(m.Settle(INT64_MAX, [&](int32_t, int64_t c, int64_t) { cpu = c; }), 2u);  // 2 and 4
  CHECK_EQ(cpu, 4'000'000 - 1'000'000);
}

TEST("across windows: the last settled tick is the left neighbour of the next window's first") {
  TickMatcher m = Steady(2);
  m.Claim(0, 0);
  m.Claim(1, 1);
  m.Settle(INT64_MAX, [](int32_t, int64_t, int64_t) {});
  CHECK_EQ(m.pending(), 0u);
  m.AddTick(Tick(2));
  CHECK(m.Untimed(Between(Tick(1))));
  // After a bypass the next tick does not follow the last without a loss.
  m.ForgetLastTick();
  CHECK(!m.Untimed(Between(Tick(1))));
}

TEST("reset forgets pending ticks and the left neighbour") {
  TickMatcher m = Steady(3);
  m.SetOrigin(kT0, 0);
  m.Reset(0, kT0);
  CHECK_EQ(m.pending(), 0u);
  m.AddTick(Tick(1));
  CHECK(!m.Untimed(Between(Tick(0))));
}

int main() { return check::RunAll("tick_matcher"); }
