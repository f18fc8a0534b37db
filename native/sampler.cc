#include "sampler.h"

#include <algorithm>
#include <cstdint>

#include "clock.h"

namespace spanprof {
namespace {

// A window with no V8 sample while the thread burned this much CPU means
// V8's event processor stopped delivering samples.
constexpr int64_t kStuckCpuNs = 200 * 1000 * 1000;

// V8 samples after our last tick, spread over at least this many sampling
// intervals, that prove V8's handler runs while ours does not. A sample
// taken without a signal (profile start, deoptimization) comes alone or in a
// burst, never spread over intervals like this.
constexpr int kBypassedMinSamples = 3;
constexpr int kBypassedMinIntervals = 2;

}  // namespace

Sampler::Sampler(v8::Isolate* isolate, int interval_us, int32_t* shared)
    : isolate_(isolate), interval_us_(interval_us), shared_(shared) {
  v8::HandleScope scope(isolate_);
  titles_[0].Reset(isolate_, v8::String::NewFromUtf8Literal(isolate_, "spanprof:a"));
  titles_[1].Reset(isolate_, v8::String::NewFromUtf8Literal(isolate_, "spanprof:b"));
  tick_state_.ring = &ring_;
  tick_state_.shared = shared_;
}

Sampler::~Sampler() {
  Stop();
  StopReadingFrames();
}

bool Sampler::ReadFrames(v8::Local<v8::Object> key) {
  StopReadingFrames();
  if (!frames_.Attach(isolate_, key)) return false;
  tick_state_.frames.store(&frames_, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  return true;
}

void Sampler::MarkSlots(uint8_t* marks, uint32_t length) {
  tick_state_.marks_length.store(0, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  tick_state_.marks.store(marks, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  if (marks != nullptr) tick_state_.marks_length.store(length, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

void Sampler::FlipGeneration() {
  const int32_t now = __atomic_load_n(&shared_[kGenerationIndex], __ATOMIC_RELAXED);
  __atomic_store_n(&shared_[kGenerationIndex], now == 1 ? 2 : 1, __ATOMIC_RELAXED);
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

void Sampler::StopReadingFrames() {
  tick_state_.frames.store(nullptr, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  frames_.Detach();
}

bool Sampler::StartProfile(int title_index) {
  v8::HandleScope scope(isolate_);
  // Leaf-node mode keys nodes by function, so each node's line and column
  // are the function's own start: exact for pprof functions and for source
  // maps. (Caller-line mode splits nodes by the line of the call in the
  // parent, and loses the function's start line.)
  v8::CpuProfilingStatus status =
      profiler_->StartProfiling(titles_[title_index].Get(isolate_), v8::kLeafNodeLineNumbers,
                                /*record_samples=*/true);
  return status == v8::CpuProfilingStatus::kStarted;
}

std::string Sampler::Start() {
  if (running_) return "already running";
  profiler_ = v8::CpuProfiler::New(isolate_);
  profiler_->SetSamplingInterval(interval_us_);
  current_ = 0;
  if (!StartProfile(current_)) {
    profiler_->Dispose();
    profiler_ = nullptr;
    return "V8 refused to start a CPU profile";
  }
  // Ticks left from before a restart belong to no profile any more.
  FlipGeneration();
  ring_.Drain([](const TickRecord&) {});
  // V8's handler is installed now that its sampler runs; chain in front.
  translator_.Reset(ThreadCpuNs(), MonotonicNs());
  window_cpu_start_ns_ = ThreadCpuNs();
  last_tick_ns_ = MonotonicNs();
  SetThreadTickState(&tick_state_);
  chained_ = AcquireSignalChain();
  tick_state_.active.store(chained_, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  // From here every SIGPROF passes our handler: a sample V8 takes before our
  // first tick, with no tick between, came without a signal.
  translator_.SetOrigin(MonotonicNs(), static_cast<uint32_t>(__atomic_load_n(&shared_[kTicksIndex],
                                                                             __ATOMIC_RELAXED)));
  running_ = true;
  if (!chained_) {
    Stop();
    return "no SIGPROF handler from V8's sampler to chain to";
  }
  return "";
}

void Sampler::Collect(TranslatedWindow* out) {
  v8::HandleScope scope(isolate_);
  const int64_t t0 = MonotonicNs();
  const int next = 1 - current_;
  // Start the next profile before stopping this one: the sampler thread and
  // code-event logging stay up, so the switch costs microseconds, not the
  // tens of milliseconds of a fresh profiler.
  const bool next_started = StartProfile(next);
  v8::CpuProfile* profile = profiler_->StopProfiling(titles_[current_].Get(isolate_));
  out->rotate_ns = MonotonicNs() - t0;
  current_ = next;

  FlipGeneration();
  ring_.Drain([this](const TickRecord& r) {
    translator_.AddTick(r);
    if (r.after_ns > last_tick_ns_) last_tick_ns_ = r.after_ns;
  });
  const int64_t cpu_now = ThreadCpuNs();
  const int64_t window_cpu = cpu_now - window_cpu_start_ns_;
  window_cpu_start_ns_ = cpu_now;
  if (profile != nullptr) {
    translator_.Translate(profile, t0, out);
    const bool stuck = profile->GetSamplesCount() <= 1 && window_cpu > kStuckCpuNs;
    // Another SIGPROF user (a second profiler reinstalling its handler)
    // took our place in the chain: V8 still samples, we see nothing.
    if (Bypassed(profile) && RechainIfBypassed()) {
      translator_.ForgetLastTick();
      ++rechains_;
      out->rechained = true;
    }
    profile->Delete();
    if (stuck || !next_started) {
      Restart();
      out->recovered = true;
    }
  } else {
    Restart();
    out->recovered = true;
  }
}

// True when V8 kept sampling by signal after our handler last ran: then no
// handler in the chain calls ours any more.
bool Sampler::Bypassed(const v8::CpuProfile* profile) const {
  // V8 stamps a sample inside its handler, so a sample that went through ours
  // is stamped no later than our `after` time, as V8 rounds it (µs + 1).
  const int64_t since_us = last_tick_ns_ / 1000 + 1;
  int after = 0;
  int64_t first = INT64_MAX;
  int64_t last = INT64_MIN;
  for (int i = 0; i < profile->GetSamplesCount(); ++i) {
    const int64_t ts = profile->GetSampleTimestamp(i);
    if (ts <= since_us) continue;
    ++after;
    first = std::min(first, ts);
    last = std::max(last, ts);
  }
  return after >= kBypassedMinSamples &&
         last - first >= static_cast<int64_t>(kBypassedMinIntervals) * interval_us_;
}

// Full stop and start on a fresh profiler: the recovery for a stuck V8
// event processor.
void Sampler::Restart() {
  ++recoveries_;
  Stop();
  Start();
}

void Sampler::Stop() {
  if (!running_) return;
  running_ = false;
  // Put V8's handler back before its sampler stops (ARCHITECTURE.md: signal-handler rules).
  tick_state_.active.store(false, std::memory_order_relaxed);
  SetThreadTickState(nullptr);
  if (chained_) ReleaseSignalChain();
  chained_ = false;
  {
    v8::HandleScope scope(isolate_);
    for (int i = 0; i < 2; ++i) {
      v8::CpuProfile* p = profiler_->StopProfiling(titles_[i].Get(isolate_));
      if (p != nullptr) p->Delete();
    }
  }
  profiler_->Dispose();
  profiler_ = nullptr;
}

}  // namespace spanprof
