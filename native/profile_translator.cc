#include "profile_translator.h"

#include <algorithm>
#include <cstring>

#include "clock.h"

namespace spanprof {
namespace {

NodeKind KindOf(const v8::CpuProfileNode* node, const char* name) {
  if (node->GetScriptId() != 0 || name[0] != '(') return kJsNode;
  if (std::strcmp(name, "(root)") == 0) return kRootNode;
  if (std::strcmp(name, "(program)") == 0) return kProgramNode;
  if (std::strcmp(name, "(idle)") == 0) return kIdleNode;
  if (std::strcmp(name, "(garbage collector)") == 0) return kGcNode;
  return kJsNode;
}

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

}  // namespace

void ProfileTranslator::Reset(int64_t cpu_ns, int64_t mono_ns) {
  pending_.clear();
  has_before_pending_ = false;
  last_cpu_ns_ = cpu_ns;
  last_mono_ns_ = mono_ns;
}

int32_t ProfileTranslator::Intern(const char* s, TranslatedWindow* out) {
  auto [it, inserted] =
      string_index_.try_emplace(s, static_cast<int32_t>(out->strings.size()));
  if (inserted) out->strings.emplace_back(s);
  return it->second;
}

void ProfileTranslator::BuildNodeTable(const v8::CpuProfile* profile,
                                       TranslatedWindow* out) {
  node_index_.clear();
  string_index_.clear();
  // Iterative walk: V8 caps stacks at 255 frames, but a recursion here would
  // still be the one unbounded stack in the addon.
  std::vector<std::pair<const v8::CpuProfileNode*, int32_t>> stack;
  stack.emplace_back(profile->GetTopDownRoot(), -1);
  while (!stack.empty()) {
    auto [node, parent] = stack.back();
    stack.pop_back();
    const int32_t index = static_cast<int32_t>(out->node_parent.size());
    node_index_.emplace(node, index);
    const char* name = node->GetFunctionNameStr();
    const char* url = node->GetScriptResourceNameStr();
    out->node_parent.push_back(parent);
    out->node_name.push_back(Intern(name ? name : "", out));
    out->node_url.push_back(Intern(url ? url : "", out));
    out->node_line.push_back(node->GetLineNumber());
    out->node_column.push_back(node->GetColumnNumber());
    out->node_kind.push_back(KindOf(node, name ? name : ""));
    const int children = node->GetChildrenCount();
    for (int i = children - 1; i >= 0; --i) {
      stack.emplace_back(node->GetChild(i), index);
    }
  }
}

// First pending tick whose window [before, after] (in µs) holds the
// timestamp and that no sample has claimed yet; -1 if none.
int64_t ProfileTranslator::FindTick(int64_t timestamp_us) const {
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
bool ProfileTranslator::Untimed(int64_t timestamp_us) const {
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

void ProfileTranslator::Translate(const v8::CpuProfile* profile,
                                  int64_t cutoff_ns, TranslatedWindow* out) {
  const int64_t t0 = MonotonicNs();
  out->start_us = profile->GetStartTime();
  out->end_us = profile->GetEndTime();
  BuildNodeTable(profile, out);

  const int count = profile->GetSamplesCount();
  out->v8_samples = static_cast<uint32_t>(count);
  out->sample_node.reserve(count);
  for (int i = 0; i < count; ++i) {
    const int64_t ts = profile->GetSampleTimestamp(i);
    const int64_t tick = FindTick(ts);
    if (tick < 0) {
      if (Untimed(ts)) {
        ++out->untimed_samples;
        continue;
      }
      // Sample 0 is taken by StartProfiling itself, outside any signal; a
      // sample in the overlap of two profiles was already claimed by the
      // previous one. Neither has a tick of its own.
      ++out->unmatched_samples;
      continue;
    }
    auto found = node_index_.find(profile->GetSample(i));
    if (found == node_index_.end()) {
      ++out->unmatched_samples;
      continue;
    }
    pending_[tick].sample = static_cast<int32_t>(out->sample_node.size());
    // The loop was waiting: whatever span last ran is not running now.
    const bool idle = out->node_kind[found->second] == kIdleNode;
    out->sample_node.push_back(found->second);
    out->sample_time_us.push_back(static_cast<double>(ts));
    out->sample_slot.push_back(idle ? 0 : pending_[tick].record.slot);
    out->sample_cpu_ns.push_back(0);
    out->sample_wall_ns.push_back(0);
  }

  // CPU and wall time go to samples in tick order. A tick no sample claimed
  // passes its time on to the next claimed one, so the sum stays whole.
  std::vector<PendingTick> kept;
  const PendingTick* last_gone = nullptr;
  for (const PendingTick& p : pending_) {
    if (kept.empty() && (p.sample >= 0 || p.record.after_ns < cutoff_ns)) last_gone = &p;
    if (p.sample >= 0) {
      // Idle samples get no CPU: what the thread spent in the poll is the
      // event loop's, not any code's.
      const bool idle = out->node_kind[out->sample_node[p.sample]] == kIdleNode;
      out->sample_cpu_ns[p.sample] =
          idle ? 0 : static_cast<double>(std::max<int64_t>(0, p.record.cpu_ns - last_cpu_ns_));
      out->sample_wall_ns[p.sample] =
          static_cast<double>(std::max<int64_t>(0, p.record.after_ns - last_mono_ns_));
      last_cpu_ns_ = p.record.cpu_ns;
      last_mono_ns_ = p.record.after_ns;
    } else if (p.record.after_ns >= cutoff_ns) {
      kept.push_back(p);
    } else {
      ++out->unmatched_ticks;
    }
  }
  if (last_gone != nullptr) {
    before_pending_ = last_gone->record;
    has_before_pending_ = true;
  }
  pending_.swap(kept);
  out->translate_ns = MonotonicNs() - t0;
}

}  // namespace spanprof
