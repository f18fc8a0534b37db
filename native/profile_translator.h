// Turns one window's v8::CpuProfile plus the tick records of our SIGPROF
// handler into flat arrays: a node table and per-sample (node, time, slot,
// CPU, wall). Runs on the JS thread, outside the signal handler.
#pragma once

#include <v8-profiler.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "tick_matcher.h"
#include "tick_ring.h"

namespace spanprof {

enum NodeKind : uint8_t {
  kJsNode = 0,
  kRootNode = 1,
  kProgramNode = 2,
  kIdleNode = 3,
  kGcNode = 4,
};

struct TranslatedWindow {
  int64_t start_us = 0;
  int64_t end_us = 0;
  // Node table; parent is an index into the same table, -1 for the root.
  std::vector<int32_t> node_parent, node_name, node_url, node_line, node_column;
  std::vector<uint8_t> node_kind;
  std::vector<std::string> strings;
  // Samples matched to a tick record.
  std::vector<int32_t> sample_node, sample_slot;
  std::vector<double> sample_time_us, sample_cpu_ns, sample_wall_ns;
  // Accounting.
  uint32_t v8_samples = 0;         // samples V8 recorded in this profile
  uint32_t unmatched_samples = 0;  // V8 samples with no tick record (dropped)
  // V8 samples taken without a signal (at a deoptimization) between two
  // consecutive ticks of ours: no tick to match, no time of their own.
  // Dropped like unmatched ones, but no signal sample was lost for them.
  uint32_t untimed_samples = 0;
  uint32_t unmatched_ticks = 0;  // tick records no V8 sample claimed
  int64_t rotate_ns = 0;         // start-next + stop-previous
  int64_t translate_ns = 0;
  bool recovered = false;  // V8's processor was stuck and restarted
  bool rechained = false;  // our handler had been bypassed; put back
};

class ProfileTranslator {
 public:
  explicit ProfileTranslator(int interval_us) : matcher_(interval_us) {}
  // Thread CPU and monotonic time when sampling (re)started; deltas start here.
  void Reset(int64_t cpu_ns, int64_t mono_ns) { matcher_.Reset(cpu_ns, mono_ns); }
  // Records from the ring, in the order the handler wrote them.
  void AddTick(const TickRecord& r) { matcher_.AddTick(r); }
  // Fills `out` from `profile`. Ticks before `cutoff_ns` (when the next
  // profile started) that no sample claimed are final; later ones may still
  // belong to the next profile and are kept.
  void Translate(const v8::CpuProfile* profile, int64_t cutoff_ns, TranslatedWindow* out);
  size_t pending() const { return matcher_.pending(); }
  // See TickMatcher::ForgetLastTick and SetOrigin.
  void ForgetLastTick() { matcher_.ForgetLastTick(); }
  void SetOrigin(int64_t mono_ns, uint32_t next_seq) { matcher_.SetOrigin(mono_ns, next_seq); }

 private:
  int32_t Intern(const char* s, TranslatedWindow* out);
  void BuildNodeTable(const v8::CpuProfile* profile, TranslatedWindow* out);

  TickMatcher matcher_;
  std::unordered_map<const v8::CpuProfileNode*, int32_t> node_index_;
  std::unordered_map<std::string, int32_t> string_index_;
};

}  // namespace spanprof
