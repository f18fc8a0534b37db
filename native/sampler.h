// One V8 CPU sampler per isolate. Everything here runs on that isolate's JS
// thread; only ThreadTickState and the ring are shared with the handler, which
// interrupts the same thread.
#pragma once

#include <v8-profiler.h>
#include <v8.h>

#include <cstdint>
#include <string>

#include "frame_slot_reader.h"
#include "profile_translator.h"
#include "signal_chain.h"
#include "tick_ring.h"

namespace spanprof {

class Sampler {
 public:
  // The handler takes a tick at every SIGPROF, ours or another profiler's:
  // beside a second CpuProfiler at its default 1 kHz (the inspector,
  // --cpu-prof) a 10 s window holds 10 000 ticks. This holds 32 s of those
  // (1 MiB), and at our own 100 Hz far more than the longest window.
  static constexpr uint32_t kRingCapacity = 32768;

  Sampler(v8::Isolate* isolate, int interval_us, int32_t* shared);
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // Returns an empty string on success, else why it could not start.
  std::string Start();
  // Rotates to a new profile and translates the one that ended.
  void Collect(TranslatedWindow* out);
  void Stop();
  bool running() const { return running_; }

  // Takes each tick's slot from `key`'s store in the async context frame
  // (see FrameSlotReader) instead of the shared cell. False where this
  // build or V8 cannot. JS thread only, running or not.
  bool ReadFrames(v8::Local<v8::Object> key);
  // Back to the shared cell. Idempotent.
  void StopReadingFrames();
  // From now on each tick marks its slot in `marks` (see ThreadTickState);
  // nullptr stops. The caller keeps the memory alive until it stops. JS
  // thread only: the handler interrupts this thread, never runs beside it.
  void MarkSlots(uint8_t* marks, uint32_t length);
  // What the handler would record as the slot right now.
  int32_t FrameSlot() const { return frames_.Read(); }
  uint32_t recoveries() const { return recoveries_; }
  uint32_t rechains() const { return rechains_; }

 private:
  bool StartProfile(int title_index);
  void Restart();
  bool Bypassed(const v8::CpuProfile* profile) const;
  // The next window's mark value; before the ring is drained, so every
  // tick left for the next window has marked its slot with the new value.
  void FlipGeneration();

  v8::Isolate* const isolate_;
  const int interval_us_;
  int32_t* const shared_;
  v8::CpuProfiler* profiler_ = nullptr;
  // Two titles, alternated: V8 keeps every title until the profiler is
  // disposed, so a new title per window would grow without bound.
  v8::Global<v8::String> titles_[2];
  int current_ = 0;
  TickRing ring_{kRingCapacity};
  // Declared before tick_state_, which points at it, so it outlives it.
  FrameSlotReader frames_;
  ThreadTickState tick_state_;
  ProfileTranslator translator_{interval_us_};
  bool running_ = false;
  bool chained_ = false;
  uint32_t recoveries_ = 0;
  uint32_t rechains_ = 0;
  int64_t window_cpu_start_ns_ = 0;
  // Monotonic time of the newest tick of ours (or of the start).
  int64_t last_tick_ns_ = 0;
};

}  // namespace spanprof
