// A preallocated ring of tick records. The producer is the SIGPROF handler and
// the consumer is the JS thread it interrupts, so in the addon both run on one
// thread. Head and tail still publish with release/acquire rather than signal
// fences alone, so the ring is also sound with the two on different threads
// (as its unit test drives it): on x86 that is the same plain load and store,
// on arm64 ldar/stlr. The handler never waits or allocates.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace spanprof {

struct TickRecord {
  int64_t before_ns;  // monotonic, just before V8's handler ran
  int64_t after_ns;   // monotonic, just after
  int64_t cpu_ns;     // thread CPU time at the tick
  int32_t slot;       // span-label slot the JS thread had published
  // The handler's running tick count before this tick, dropped ticks
  // included: two records whose counts differ by one had no SIGPROF of ours
  // between them. Wraps; compare differences as unsigned.
  uint32_t seq;
};

class TickRing {
 public:
  explicit TickRing(uint32_t capacity_pow2)
      : mask_(capacity_pow2 - 1), records_(new TickRecord[capacity_pow2]) {}

  // Signal handler side. Returns false when full; the caller counts the drop.
  bool Push(const TickRecord& r) {
    uint64_t head = head_.load(std::memory_order_relaxed);
    // Acquire: the consumer has finished reading the slots it gave back.
    uint64_t tail = tail_.load(std::memory_order_acquire);
    if (head - tail > mask_) return false;
    records_[head & mask_] = r;
    // Release: the record is written before the consumer can see it.
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // JS thread side. Calls fn(record) for every record pushed so far; records
  // pushed while it runs (a signal mid-drain) wait for the next call. Slots
  // are given back when it returns, not one by one.
  template <typename Fn>
  void Drain(Fn&& fn) {
    uint64_t head = head_.load(std::memory_order_acquire);
    uint64_t tail = tail_.load(std::memory_order_relaxed);
    for (; tail != head; ++tail) fn(records_[tail & mask_]);
    tail_.store(tail, std::memory_order_release);
  }

  uint32_t capacity() const { return mask_ + 1; }

 private:
  // Lock-free, so the handler never takes a lock.
  static_assert(std::atomic<uint64_t>::is_always_lock_free);

  const uint64_t mask_;
  std::unique_ptr<TickRecord[]> records_;
  std::atomic<uint64_t> head_{0};
  std::atomic<uint64_t> tail_{0};
};

}  // namespace spanprof
