// TickRing driven by two threads: a writer standing in for the SIGPROF
// handler and a reader draining as the JS thread does. Every tick must come
// out once, in order and whole, except the drops the writer counted.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

#include "check.h"
#include "tick_ring.h"

using spanprof::TickRecord;
using spanprof::TickRing;

namespace {

// Every field derives from seq, so a record read while being written shows.
TickRecord Record(uint32_t seq) {
  return TickRecord{seq * 3LL, seq * 3LL + 1, seq * 7LL, static_cast<int32_t>(seq ^ 0x5a5a), seq};
}

bool Whole(const TickRecord& r) {
  const TickRecord want = Record(r.seq);
  return r.before_ns == want.before_ns && r.after_ns == want.after_ns && r.cpu_ns == want.cpu_ns &&
         r.slot == want.slot;
}

struct Result {
  uint32_t pushed = 0;
  uint32_t dropped = 0;
  uint32_t drained = 0;
  uint32_t busy_drains = 0;  // drains that took records while the writer ran
  uint32_t out_of_order = 0;
  uint32_t torn = 0;
  uint32_t drop_mismatch = 0;
};

// The writer spends `pace` relaxed increments between pushes, so that the
// two threads interleave rather than one finishing before the other starts;
// a slow reader sleeps between drains, so that the ring fills and drops.
Result Run(uint32_t capacity, uint32_t ticks, int pace, bool slow_reader) {
  TickRing ring(capacity);
  std::vector<uint8_t> was_dropped(ticks, 0);  // writer's, read after join
  std::vector<uint8_t> seen(ticks, 0);         // reader's
  std::atomic<int> ready{0};
  std::atomic<bool> done{false};
  Result res;
  // Both threads start together: thread creation alone takes longer than
  // pushing thousands of ticks.
  auto start_together = [&ready] {
    ready.fetch_add(1);
    while (ready.load() < 2) std::this_thread::yield();
  };

  std::thread writer([&] {
    std::atomic<uint32_t> spin{0};
    start_together();
    for (uint32_t seq = 0; seq < ticks; ++seq) {
      if (!ring.Push(Record(seq))) {
        ++res.dropped;
        was_dropped[seq] = 1;
      }
      ++res.pushed;
      for (int i = 0; i < pace; ++i) spin.fetch_add(1, std::memory_order_relaxed);
    }
    done.store(true, std::memory_order_release);
  });

  std::thread reader([&] {
    int64_t last = -1;
    uint32_t taken = 0;
    auto take = [&](const TickRecord& r) {
      ++taken;
      if (static_cast<int64_t>(r.seq) <= last || r.seq >= ticks) {
        ++res.out_of_order;
        return;
      }
      last = r.seq;
      if (!Whole(r)) ++res.torn;
      seen[r.seq] = 1;
      ++res.drained;
    };
    start_together();
    while (!done.load(std::memory_order_acquire)) {
      taken = 0;
      ring.Drain(take);
      if (taken > 0) ++res.busy_drains;
      if (slow_reader) std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
    ring.Drain(take);  // whatever the writer pushed last
  });

  writer.join();
  reader.join();
  for (uint32_t seq = 0; seq < ticks; ++seq) {
    if (seen[seq] == was_dropped[seq]) ++res.drop_mismatch;  // lost, or dropped yet seen
  }
  return res;
}

void CheckRun(uint32_t capacity, uint32_t ticks, int pace, bool slow_reader) {
  const Result r = Run(capacity, ticks, pace, slow_reader);
  CHECK_EQ(r.pushed, ticks);
  CHECK_EQ(r.out_of_order, 0u);
  CHECK_EQ(r.torn, 0u);
  CHECK_EQ(r.drop_mismatch, 0u);
  CHECK_EQ(r.drained + r.dropped, ticks);
  // The two threads did overlap: several drains found records mid-run.
  CHECK(r.busy_drains >= 2u);
  if (slow_reader) CHECK(r.dropped > 0u);
  std::printf("  capacity %u: %u ticks, %u drained in %u drains while writing, %u dropped\n",
              capacity, ticks, r.drained, r.busy_drains, r.dropped);
}

uint32_t Ticks() {
  // Fewer under ThreadSanitizer, which slows every access down many times.
#if defined(__SANITIZE_THREAD__)
  return 300'000;
#else
  return 2'000'000;
#endif
}

}  // namespace

TEST("two threads, a small ring and a slow reader: every tick drained once or counted dropped") {
  CheckRun(16, Ticks(), /*pace=*/20, /*slow_reader=*/true);
}

TEST("two threads, the addon's ring size and a busy reader: no tick lost or duplicated") {
  CheckRun(32768, Ticks(), /*pace=*/20, /*slow_reader=*/false);
}

int main() { return check::RunAll("tick_ring_stress"); }
