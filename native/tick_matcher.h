// Matches V8 sample timestamps to the tick records of our SIGPROF handler and
// hands each claimed tick's CPU and wall time to its sample. Pure: no V8, no
// N-API, no clock reads, so it is unit-tested on its own (test/native/).
// Runs on the JS thread, outside the signal handler.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tick_ring.h"

namespace spanprof {

// V8 stamps a sample with TimeTicks::Now(): CLOCK_MONOTONIC in microseconds,
// truncated, plus one so that it is never zero (base/platform/time.cc).
inline int64_t ToUs(int64_t ns) { return ns / 1000 + 1; }

// Longest gap between two consecutive ticks, in sampling intervals, inside
// which a sample with no tick is taken for one V8 took without a signal.
// Beyond it the sample counts as unmatched: the bound keeps a loss that
// nothing else explains (a handler swapped out and back) from being called
// untimed. A loaded machine delays V8's sampler thread by up to ~150 ms
// (measured), and deoptimizations go on meanwhile.
constexpr int64_t kUntimedMaxGapIntervals = 20;

class TickMatcher {
 public:
  // What one V8 sample is to the ticks: `tick` is the index of the pending
  // tick it matches, or -1; then `untimed` tells a sample V8 took without a
  // signal from an unmatched one.
  struct SampleMatch {
    int64_t tick;
    bool untimed;
  };

  explicit TickMatcher(int interval_us) : interval_us_(interval_us) {}

  // Thread CPU and monotonic time when sampling (re)started; deltas start here.
  void Reset(int64_t cpu_ns, int64_t mono_ns);
  // Records in the order the handler wrote them. One thread's monotonic
  // clock never goes back, so their times never decrease: the searches
  // below rely on it.
  void AddTick(const TickRecord& r) { pending_.push_back({r, -1}); }
  // Our handler was found bypassed: the next tick does not follow the last
  // one without a signal lost between them.
  void ForgetLastTick() { has_before_pending_ = false; }
  // Our handler is in front of V8's from `mono_ns` on, and its next tick
  // will carry `next_seq`: that moment stands for the tick before the first.
  void SetOrigin(int64_t mono_ns, uint32_t next_seq) {
    before_pending_ = TickRecord{mono_ns, mono_ns, 0, 0, next_seq - 1u};
    has_before_pending_ = true;
  }

  // First pending tick whose window [before, after] (in µs) holds the
  // timestamp and that no sample has claimed yet; -1 if none.
  int64_t FindTick(int64_t timestamp_us) const;
  // True when the sample, having no tick, was taken without a signal.
  bool Untimed(int64_t timestamp_us) const;
  SampleMatch Match(int64_t timestamp_us) const {
    const int64_t tick = FindTick(timestamp_us);
    return {tick, tick < 0 && Untimed(timestamp_us)};
  }
  // Gives pending tick `tick` (from Match) to sample `sample`.
  void Claim(int64_t tick, int32_t sample) { pending_[tick].sample = sample; }
  const TickRecord& tick(int64_t i) const { return pending_[i].record; }

  // Closes a window. In tick order, calls fn(sample, cpu_ns, wall_ns) for
  // each claimed tick with the thread CPU and wall time since the previous
  // claimed one (never negative): a tick no sample claimed passes its time
  // on to the next claimed one, so the sum stays whole. Unclaimed ticks
  // before `cutoff_ns` (when the next profile started) are final and
  // counted in the return value; later ones may still belong to the next
  // profile and stay pending.
  template <typename Fn>
  uint32_t Settle(int64_t cutoff_ns, Fn&& fn);

  size_t pending() const { return pending_.size(); }

 private:
  struct PendingTick {
    TickRecord record;
    int32_t sample;  // index of the sample that claimed it, or -1
  };

  const int interval_us_;
  std::vector<PendingTick> pending_;
  // The tick just before pending_.front() in the handler's order, once it
  // has left pending_: the left neighbour of a sample older than every
  // pending tick.
  TickRecord before_pending_{};
  bool has_before_pending_ = false;
  int64_t last_cpu_ns_ = 0;
  int64_t last_mono_ns_ = 0;
};

template <typename Fn>
uint32_t TickMatcher::Settle(int64_t cutoff_ns, Fn&& fn) {
  uint32_t unmatched = 0;
  std::vector<PendingTick> kept;
  const PendingTick* last_gone = nullptr;
  for (const PendingTick& p : pending_) {
    if (kept.empty() && (p.sample >= 0 || p.record.after_ns < cutoff_ns)) last_gone = &p;
    if (p.sample >= 0) {
      const int64_t cpu = p.record.cpu_ns - last_cpu_ns_;
      const int64_t wall = p.record.after_ns - last_mono_ns_;
      fn(p.sample, cpu > 0 ? cpu : 0, wall > 0 ? wall : 0);
      last_cpu_ns_ = p.record.cpu_ns;
      last_mono_ns_ = p.record.after_ns;
    } else if (p.record.after_ns >= cutoff_ns) {
      kept.push_back(p);
    } else {
      ++unmatched;
    }
  }
  if (last_gone != nullptr) {
    before_pending_ = last_gone->record;
    has_before_pending_ = true;
  }
  pending_.swap(kept);
  return unmatched;
}

}  // namespace spanprof
