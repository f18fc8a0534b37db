#include "profile_translator.h"

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

}  // namespace

int32_t ProfileTranslator::Intern(const char* s, TranslatedWindow* out) {
  auto [it, inserted] = string_index_.try_emplace(s, static_cast<int32_t>(out->strings.size()));
  if (inserted) out->strings.emplace_back(s);
  return it->second;
}

void ProfileTranslator::BuildNodeTable(const v8::CpuProfile* profile, TranslatedWindow* out) {
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

void ProfileTranslator::Translate(const v8::CpuProfile* profile, int64_t cutoff_ns,
                                  TranslatedWindow* out) {
  const int64_t t0 = MonotonicNs();
  out->start_us = profile->GetStartTime();
  out->end_us = profile->GetEndTime();
  BuildNodeTable(profile, out);

  const int count = profile->GetSamplesCount();
  out->v8_samples = static_cast<uint32_t>(count);
  out->sample_node.reserve(count);
  for (int i = 0; i < count; ++i) {
    const int64_t ts = profile->GetSampleTimestamp(i);
    const TickMatcher::SampleMatch match = matcher_.Match(ts);
    if (match.tick < 0) {
      if (match.untimed) {
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
    matcher_.Claim(match.tick, static_cast<int32_t>(out->sample_node.size()));
    // The loop was waiting: whatever span last ran is not running now.
    const bool idle = out->node_kind[found->second] == kIdleNode;
    out->sample_node.push_back(found->second);
    out->sample_time_us.push_back(static_cast<double>(ts));
    out->sample_slot.push_back(idle ? 0 : matcher_.tick(match.tick).slot);
    out->sample_cpu_ns.push_back(0);
    out->sample_wall_ns.push_back(0);
  }

  // Idle samples get no CPU: what the thread spent in the poll is the event
  // loop's, not any code's.
  out->unmatched_ticks +=
      matcher_.Settle(cutoff_ns, [out](int32_t sample, int64_t cpu_ns, int64_t wall_ns) {
        const bool idle = out->node_kind[out->sample_node[sample]] == kIdleNode;
        out->sample_cpu_ns[sample] = idle ? 0 : static_cast<double>(cpu_ns);
        out->sample_wall_ns[sample] = static_cast<double>(wall_ns);
      });
  out->translate_ns = MonotonicNs() - t0;
}

}  // namespace spanprof
