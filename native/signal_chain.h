// SIGPROF handler chained in front of V8's. V8's sampler thread signals the JS
// thread 100 times a second; our handler notes the span slot and the clocks
// around V8's own handler, which takes the stack.
#pragma once

#include <atomic>
#include <cstdint>

#include "frame_slot_reader.h"
#include "tick_ring.h"

namespace spanprof {

// What the handler touches for one sampling thread. Owned by the Sampler and
// published to the handler through a thread-local pointer.
struct ThreadTickState {
  TickRing* ring = nullptr;
  int32_t* shared = nullptr;  // shared buffer: see SharedIndex
  // Per-slot marks the handler sets to shared[kGenerationIndex] for the slot
  // each tick takes, so TypeScript can free at once the slots no tick of the
  // open window took. The length is stored after the pointer and cleared
  // before it, so a handler that reads a non-zero length reads its pointer.
  std::atomic<uint8_t*> marks{nullptr};
  std::atomic<uint32_t> marks_length{0};
  // When set, the slot comes from the running code's async context frame
  // instead of shared[kSlotIndex].
  std::atomic<const FrameSlotReader*> frames{nullptr};
  std::atomic<bool> active{false};
};

enum SharedIndex : int {
  kSlotIndex = 0,
  kTicksIndex = 1,
  kDroppedIndex = 2,
  // The open window's mark value, 1 or 2: flipped as each window closes.
  kGenerationIndex = 3,
  kSharedLength = 4,
};

// Installs the chained handler (reference-counted across isolates). Call after
// V8's profiler has started so V8's handler is the one we chain to. Returns
// false, touching nothing, when SIGPROF has no handler to chain to.
bool AcquireSignalChain();
// Drops one reference; the last one puts V8's handler back, unless another
// handler has since been chained in front of ours (then ours stays installed
// and forwards, so that handler's chain keeps working).
void ReleaseSignalChain();

// Puts our handler back in front of the current one, after another SIGPROF
// user installed its own in place of ours without calling ours (seen as
// V8 samples with no tick of ours). Only call on that evidence: were the
// current handler still calling ours, chaining in front of it would make a
// loop. Returns true when it re-installed ours.
bool RechainIfBypassed();

// Publishes (or clears, with nullptr) this thread's state to the handler.
void SetThreadTickState(ThreadTickState* state);

}  // namespace spanprof
