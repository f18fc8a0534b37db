#include "frame_slot_reader.h"

#include <v8-internal.h>

namespace spanprof {

#if SPANPROF_FRAME_SLOTS
namespace {

using Address = uintptr_t;
using Internals = v8::internal::Internals;

constexpr int kTagged = v8::internal::kApiTaggedSize;
// JSMap (a JSCollection): map, properties, elements, then the table.
constexpr int kMapTableOffset = Internals::kJSObjectHeaderSize;
// JSArray: map, properties, then elements.
constexpr int kArrayElementsOffset = 2 * kTagged;
// FixedArray: map, length, then the elements.
constexpr int kFixedArrayLengthOffset = kTagged;
constexpr int kFixedArrayFirstOffset = Internals::kFixedArrayHeaderSize;
// An OrderedHashMap is a FixedArray: element count, deleted count, bucket
// count, the bucket heads, then entries of (key, value, next-in-chain).
constexpr int kTableBucketsStart = 3;
constexpr int kEntrySize = 3;
// V8 sizes a table at two entries per bucket.
constexpr int kEntriesPerBucket = 2;
// Holders carry ids up to the slot table's largest capacity (1 << 20); the
// TypeScript self-test uses a few just above it.
constexpr int32_t kMaxSlot = 1 << 21;

static_assert(sizeof(Address) == 8 && kTagged == 8, "frame slots need 8-byte tagged values");
static_assert(sizeof(v8::Global<v8::Object>) == sizeof(Address*),
              "a global handle is one cell pointer");

constexpr Address kTag = v8::internal::kHeapObjectTag;

inline bool IsHeapObject(Address a) {
  return (a & static_cast<Address>(v8::internal::kHeapObjectTagMask)) == kTag;
}
// Without pointer compression a Smi keeps its value in the upper 32 bits.
inline bool IsSmi(Address a) { return (a & 0xffffffffu) == 0; }
inline int32_t SmiValue(Address a) { return static_cast<int32_t>(static_cast<intptr_t>(a) >> 32); }
inline Address Load(Address object, int offset) {
  return *reinterpret_cast<const Address*>(object - kTag + offset);
}
inline uint16_t InstanceType(Address object) {
  const Address map = Load(object, 0);
  if (!IsHeapObject(map)) return 0xffff;
  return *reinterpret_cast<const uint16_t*>(map - kTag + Internals::kMapInstanceTypeOffset);
}
inline Address AddressOf(v8::Local<v8::Value> value) {
  return *reinterpret_cast<const Address*>(*value);
}

// Smi element i of a FixedArray, or -1.
inline int32_t SmiAt(Address array, int i) {
  const Address v = Load(array, kFixedArrayFirstOffset + kTagged * i);
  return IsSmi(v) ? SmiValue(v) : -1;
}

}  // namespace

bool FrameSlotReader::Attach(v8::Isolate* isolate, v8::Local<v8::Object> key) {
  Detach();
  v8::HandleScope scope(isolate);
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Array> array = v8::Array::New(isolate, 1);
  if (array->Set(context, 0, v8::Integer::New(isolate, 1)).IsNothing()) return false;
  isolate_ = isolate;
  key_.Reset(isolate, key);
  key_hash_ = key->GetIdentityHash();
  map_type_ = InstanceType(AddressOf(v8::Map::New(isolate)));
  array_type_ = InstanceType(AddressOf(array));
  isolate->AddGCPrologueCallback(&FrameSlotReader::OnGcStart, this, v8::kGCTypeAll);
  isolate->AddGCEpilogueCallback(&FrameSlotReader::OnGcEnd, this, v8::kGCTypeAll);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  attached_.store(true, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  return true;
}

void FrameSlotReader::Detach() {
  if (!attached()) return;
  attached_.store(false, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  isolate_->RemoveGCPrologueCallback(&FrameSlotReader::OnGcStart, this);
  isolate_->RemoveGCEpilogueCallback(&FrameSlotReader::OnGcEnd, this);
  gc_depth_.store(0, std::memory_order_relaxed);
  key_.Reset();
  isolate_ = nullptr;
}

int32_t FrameSlotReader::Read() const {
  if (!attached_.load(std::memory_order_relaxed)) return 0;
  std::atomic_signal_fence(std::memory_order_acquire);
  if (gc_depth_.load(std::memory_order_relaxed) > 0)
    return gc_slot_.load(std::memory_order_relaxed);
  return ReadHeap();
}

int32_t FrameSlotReader::ReadHeap() const {
  const Address frame = *reinterpret_cast<const Address*>(
      reinterpret_cast<Address>(isolate_) + Internals::kContinuationPreservedEmbedderDataOffset);
  // Before any AsyncLocalStorage write the slot holds undefined, not a Map.
  if (!IsHeapObject(frame) || InstanceType(frame) != map_type_) return 0;
  const Address table = Load(frame, kMapTableOffset);
  if (!IsHeapObject(table)) return 0;
  const Address length_word = Load(table, kFixedArrayLengthOffset);
  if (!IsSmi(length_word)) return 0;
  const int32_t length = SmiValue(length_word);
  // A table being replaced holds a pointer to its successor in these
  // fields, not Smis: it fails here and reads as no span.
  const int32_t elements = SmiAt(table, 0);
  const int32_t deleted = SmiAt(table, 1);
  const int32_t buckets = SmiAt(table, 2);
  if (elements < 0 || deleted < 0 || buckets <= 0 || (buckets & (buckets - 1)) != 0) return 0;
  const int32_t capacity = buckets * kEntriesPerBucket;
  const int32_t used = elements + deleted;
  if (used > capacity || length < kTableBucketsStart + buckets + kEntrySize * capacity) return 0;

  // The global handle's cell holds the key's current address.
  const Address key = **reinterpret_cast<Address* const*>(&key_);
  int32_t entry = SmiAt(table, kTableBucketsStart + (key_hash_ & (buckets - 1)));
  for (int32_t steps = 0; steps < used && entry >= 0 && entry < used; ++steps) {
    const int base = kTableBucketsStart + buckets + kEntrySize * entry;
    if (Load(table, kFixedArrayFirstOffset + kTagged * base) == key) {
      const Address holder = Load(table, kFixedArrayFirstOffset + kTagged * (base + 1));
      // undefined (outside every span) and anything but our holder: no span.
      if (!IsHeapObject(holder) || InstanceType(holder) != array_type_) return 0;
      const Address store = Load(holder, kArrayElementsOffset);
      if (!IsHeapObject(store)) return 0;
      const Address store_length = Load(store, kFixedArrayLengthOffset);
      if (!IsSmi(store_length) || SmiValue(store_length) < 1) return 0;
      const int32_t slot = SmiAt(store, 0);
      return slot > 0 && slot <= kMaxSlot ? slot : 0;
    }
    entry = SmiAt(table, base + 2);
  }
  return 0;
}

// Objects move only inside a collection, after the prologue and before the
// epilogue. The prologue reads while nothing has moved yet; in between the
// handler returns that value and never touches the heap.
void FrameSlotReader::OnGcStart(v8::Isolate*, v8::GCType, v8::GCCallbackFlags, void* data) {
  auto* self = static_cast<FrameSlotReader*>(data);
  if (self->gc_depth_.load(std::memory_order_relaxed) == 0) {
    self->gc_slot_.store(self->ReadHeap(), std::memory_order_relaxed);
  }
  std::atomic_signal_fence(std::memory_order_seq_cst);
  self->gc_depth_.fetch_add(1, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

void FrameSlotReader::OnGcEnd(v8::Isolate*, v8::GCType, v8::GCCallbackFlags, void* data) {
  auto* self = static_cast<FrameSlotReader*>(data);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  if (self->gc_depth_.load(std::memory_order_relaxed) > 0) {
    self->gc_depth_.fetch_sub(1, std::memory_order_relaxed);
  }
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

#else  // !SPANPROF_FRAME_SLOTS

bool FrameSlotReader::Attach(v8::Isolate*, v8::Local<v8::Object>) { return false; }
void FrameSlotReader::Detach() {}
int32_t FrameSlotReader::Read() const { return 0; }
int32_t FrameSlotReader::ReadHeap() const { return 0; }
void FrameSlotReader::OnGcStart(v8::Isolate*, v8::GCType, v8::GCCallbackFlags, void*) {}
void FrameSlotReader::OnGcEnd(v8::Isolate*, v8::GCType, v8::GCCallbackFlags, void*) {}

#endif  // SPANPROF_FRAME_SLOTS

}  // namespace spanprof
