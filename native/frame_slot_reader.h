// Reads the span slot from the async context of the running code, in the
// SIGPROF handler, without any JavaScript hook.
//
// Where AsyncLocalStorage runs on AsyncContextFrame (Node 24 and later), V8
// keeps the current frame in the
// isolate's continuation-preserved embedder data (CPED) and carries it across
// every await, timer and callback by itself. The frame is a JS Map keyed by
// AsyncLocalStorage. TypeScript stores a holder `[slot]` under one private
// AsyncLocalStorage key; the handler walks isolate -> frame -> Map table ->
// holder -> slot with raw loads only. Every step is validated and bounded:
// anything unexpected reads as 0 (no span), never as another slot.
#pragma once

#include <v8-version.h>
#include <v8.h>

#include <atomic>
#include <cstdint>

// Raw reads assume full 8-byte tagged pointers with the Smi in the upper half:
// true of every official Node build (no pointer compression, no sandbox).
// From V8 13 (Node 24), where AsyncContextFrame is Node's default. Node 22
// (V8 12.4) has it only behind --experimental-async-context-frame, and there
// samples went missing under frame reads once other promise-hook users had
// come and gone (about 70% of them in the attribution test; the reads were
// right, the cause was not found), so it keeps the hook mechanisms.
#if V8_MAJOR_VERSION >= 13 && !defined(V8_COMPRESS_POINTERS) && !defined(V8_ENABLE_SANDBOX) && \
    !defined(_WIN32)
#define SPANPROF_FRAME_SLOTS 1
#else
#define SPANPROF_FRAME_SLOTS 0
#endif

namespace spanprof {

class FrameSlotReader {
 public:
  FrameSlotReader() = default;
  ~FrameSlotReader() { Detach(); }
  FrameSlotReader(const FrameSlotReader&) = delete;
  FrameSlotReader& operator=(const FrameSlotReader&) = delete;

  // Starts reading `key`'s store. Learns the instance types of a Map and an
  // Array from this isolate and hooks GC start and end. Returns false on a
  // build or V8 that cannot be read this way. JS thread only.
  bool Attach(v8::Isolate* isolate, v8::Local<v8::Object> key);
  // Stops reading; Read() gives 0 from then on. Idempotent. JS thread only.
  void Detach();
  bool attached() const { return attached_.load(std::memory_order_relaxed); }

  // The slot in the running code's frame, or 0. Async-signal-safe: loads,
  // relaxed atomics and signal fences only; no V8 call, handle or allocation.
  int32_t Read() const;

 private:
  int32_t ReadHeap() const;
  static void OnGcStart(v8::Isolate*, v8::GCType, v8::GCCallbackFlags, void* data);
  static void OnGcEnd(v8::Isolate*, v8::GCType, v8::GCCallbackFlags, void* data);

  v8::Isolate* isolate_ = nullptr;
  // Kept in a global handle so that GC updates the address when it moves the
  // key; the handler reads the handle's cell, never the handle API.
  v8::Global<v8::Object> key_;
  int key_hash_ = 0;
  uint16_t map_type_ = 0;
  uint16_t array_type_ = 0;
  std::atomic<bool> attached_{false};
  // Non-zero while a GC runs: objects move then, so the handler answers with
  // the slot read when the (outermost) collection began.
  std::atomic<int> gc_depth_{0};
  std::atomic<int32_t> gc_slot_{0};
};

}  // namespace spanprof
