// A preallocated ring of tick records. The producer is the SIGPROF handler and
// the consumer is the JS thread it interrupts, so both run on one thread: a
// signal fence is enough ordering, and the handler never waits or allocates.
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
    uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (head - tail > mask_) return false;
    records_[head & mask_] = r;
    std::atomic_signal_fence(std::memory_order_release);
    head_.store(head + 1, std::memory_order_relaxed);
    return true;
  }

  // JS thread side. Calls fn(record) for every record pushed so far.
  template <typename Fn>
  void Drain(Fn&& fn) {
    uint64_t head = head_.load(std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_acquire);
    uint64_t tail = tail_.load(std::memory_order_relaxed);
    for (; tail != head; ++tail) fn(records_[tail & mask_]);
    tail_.store(tail, std::memory_order_relaxed);
  }

  uint32_t capacity() const { return mask_ + 1; }

 private:
  const uint64_t mask_;
  std::unique_ptr<TickRecord[]> records_;
  std::atomic<uint64_t> head_{0};
  std::atomic<uint64_t> tail_{0};
};

}  // namespace spanprof
