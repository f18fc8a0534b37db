#include "tick_matcher.h"

#include <algorithm>

namespace spanprof {

void TickMatcher::Reset(int64_t cpu_ns, int64_t mono_ns) {
  pending_.clear();
  has_before_pending_ = false;
  last_cpu_ns_ = cpu_ns;
  last_mono_ns_ = mono_ns;
}

int64_t TickMatcher::FindTick(int64_t timestamp_us) const {
  auto it = std::lower_bound(
      pending_.begin(), pending_.end(), timestamp_us,
      [](const PendingTick& p, int64_t ts) { return ToUs(p.record.after_ns) < ts; });
  for (; it != pending_.end() && ToUs(it->record.before_ns) <= timestamp_us; ++it) {
    if (it->sample < 0) return it - pending_.begin();
  }
  return -1;
}

// True when V8 stamped the sample strictly between two consecutive ticks of
// ours (no tick, not even a dropped one, between them) that are at most
// kUntimedMaxGapIntervals apart. V8 stamps a signal's sample inside its
// handler, which runs inside ours, so such a sample was taken with no signal:
// V8 records one at every deoptimization (ProfilerEventsProcessor::
// AddDeoptStack, stamped on the JS thread). From Node 24, Maglev's on-stack
// replacement can deoptimize at each exit of a hot inner loop, tens of times
// a millisecond, and every one is a sample.
bool TickMatcher::Untimed(int64_t timestamp_us) const {
  auto next = std::upper_bound(
      pending_.begin(), pending_.end(), timestamp_us,
      [](int64_t ts, const PendingTick& p) { return ts < ToUs(p.record.before_ns); });
  if (next == pending_.end()) return false;
  if (next == pending_.begin() && !has_before_pending_) return false;
  const TickRecord& a = next == pending_.begin() ? before_pending_ : (next - 1)->record;
  const TickRecord& b = next->record;
  return b.seq - a.seq == 1u && ToUs(a.after_ns) < timestamp_us &&
         b.before_ns - a.after_ns <= kUntimedMaxGapIntervals * interval_us_ * 1000LL;
}

}  // namespace spanprof
