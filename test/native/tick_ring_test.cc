// Unit tests for TickRing on one thread, as the addon uses it: the SIGPROF
// handler pushes, the thread it interrupted drains.
#include "tick_ring.h"

#include <cstdint>
#include <vector>

#include "check.h"

using spanprof::TickRecord;
using spanprof::TickRing;

namespace {

TickRecord Record(uint32_t seq) {
  return TickRecord{seq * 10LL, seq * 10LL + 3, seq * 7LL, static_cast<int32_t>(seq % 5), seq};
}

std::vector<uint32_t> DrainSeqs(TickRing& ring) {
  std::vector<uint32_t> seqs;
  ring.Drain([&](const TickRecord& r) { seqs.push_back(r.seq); });
  return seqs;
}

// As the handler does: a push the ring refuses is counted, not retried.
bool PushCounting(TickRing& ring, uint32_t seq, uint32_t* dropped) {
  if (ring.Push(Record(seq))) return true;
  ++*dropped;
  return false;
}

}  // namespace

TEST("capacity is the power of two it was made with") {
  CHECK_EQ(TickRing(1).capacity(), 1u);
  CHECK_EQ(TickRing(8).capacity(), 8u);
  CHECK_EQ(TickRing(32768).capacity(), 32768u);
}

TEST("draining an empty ring calls nothing") {
  TickRing ring(4);
  CHECK(DrainSeqs(ring).empty());
}

TEST("drain hands records back whole, oldest first, once") {
  TickRing ring(8);
  for (uint32_t i = 0; i < 5; ++i) CHECK(ring.Push(Record(i)));
  std::vector<TickRecord> got;
  ring.Drain([&](const TickRecord& r) { got.push_back(r); });
  CHECK_EQ(got.size(), 5u);
  for (uint32_t i = 0; i < got.size(); ++i) {
    const TickRecord want = Record(i);
    CHECK_EQ(got[i].seq, i);
    CHECK_EQ(got[i].before_ns, want.before_ns);
    CHECK_EQ(got[i].after_ns, want.after_ns);
    CHECK_EQ(got[i].cpu_ns, want.cpu_ns);
    CHECK_EQ(got[i].slot, want.slot);
  }
  CHECK(DrainSeqs(ring).empty());
}

TEST("a full ring refuses the push, the caller counts the drop, the old records stay") {
  TickRing ring(4);
  uint32_t dropped = 0;
  for (uint32_t i = 0; i < 4; ++i) CHECK(PushCounting(ring, i, &dropped));
  CHECK(!PushCounting(ring, 4, &dropped));
  CHECK(!PushCounting(ring, 5, &dropped));
  CHECK_EQ(dropped, 2u);
  CHECK(DrainSeqs(ring) == (std::vector<uint32_t>{0, 1, 2, 3}));
  // Room again once drained.
  CHECK(PushCounting(ring, 6, &dropped));
  CHECK_EQ(dropped, 2u);
  CHECK(DrainSeqs(ring) == (std::vector<uint32_t>{6}));
}

TEST("a ring of one holds one record") {
  TickRing ring(1);
  CHECK(ring.Push(Record(0)));
  CHECK(!ring.Push(Record(1)));
  CHECK(DrainSeqs(ring) == (std::vector<uint32_t>{0}));
  CHECK(ring.Push(Record(2)));
  CHECK(DrainSeqs(ring) == (std::vector<uint32_t>{2}));
}

TEST("wraparound: many times round the ring, in every phase, nothing lost or reordered") {
  TickRing ring(8);
  uint32_t next = 0;
  uint32_t expect = 0;
  // Batch sizes 1..8 cycle so that reads and writes cross the end of the
  // array at every offset.
  for (int round = 0; round < 1000; ++round) {
    const uint32_t batch = 1 + round % 8;
    for (uint32_t i = 0; i < batch; ++i) CHECK(ring.Push(Record(next++)));
    for (uint32_t seq : DrainSeqs(ring)) CHECK_EQ(seq, expect++);
  }
  CHECK_EQ(expect, next);
}

TEST("wraparound with drops: what is drained is what was accepted, in order") {
  TickRing ring(4);
  uint32_t dropped = 0;
  std::vector<uint32_t> accepted;
  std::vector<uint32_t> drained;
  uint32_t seq = 0;
  for (int round = 0; round < 200; ++round) {
    const uint32_t batch = 1 + round % 7;  // up to 3 over the capacity
    for (uint32_t i = 0; i < batch; ++i, ++seq) {
      if (PushCounting(ring, seq, &dropped)) accepted.push_back(seq);
    }
    for (uint32_t s : DrainSeqs(ring)) drained.push_back(s);
  }
  CHECK(drained == accepted);
  CHECK_EQ(accepted.size() + dropped, seq);
  CHECK(dropped > 0u);
}

TEST("a tick pushed during a drain (a signal mid-drain) comes with the next drain") {
  TickRing ring(8);
  CHECK(ring.Push(Record(0)));
  CHECK(ring.Push(Record(1)));
  std::vector<uint32_t> first;
  bool pushed = false;
  ring.Drain([&](const TickRecord& r) {
    first.push_back(r.seq);
    if (!pushed) pushed = ring.Push(Record(2));
  });
  CHECK(pushed);
  CHECK(first == (std::vector<uint32_t>{0, 1}));
  CHECK(DrainSeqs(ring) == (std::vector<uint32_t>{2}));
}

TEST("slots are given back when a drain returns: a full ring drops a tick pushed during it") {
  TickRing ring(2);
  CHECK(ring.Push(Record(0)));
  CHECK(ring.Push(Record(1)));
  uint32_t dropped = 0;
  std::vector<uint32_t> first;
  ring.Drain([&](const TickRecord& r) {
    first.push_back(r.seq);
    if (r.seq == 0) PushCounting(ring, 2, &dropped);
  });
  CHECK_EQ(dropped, 1u);
  CHECK(first == (std::vector<uint32_t>{0, 1}));
  CHECK(DrainSeqs(ring).empty());
}

int main() { return check::RunAll("tick_ring"); }
