// The N-API surface: one class, `Sampler`, with start/collect/stop and the
// shared Int32Array. Everything V8-specific lives in sampler.cc.
#include <napi.h>

#include <cstring>
#include <memory>

#include "clock.h"
#include "sampler.h"

namespace spanprof {
namespace {

constexpr int kMinIntervalUs = 1000;
constexpr int kMaxIntervalUs = 1000000;

// One running sampler per isolate: V8 keeps one sampling thread per
// profiler, and two of ours on one thread would fight over the TLS state.
thread_local bool t_isolate_busy = false;

template <typename T, typename Array>
Array ToTyped(Napi::Env env, const std::vector<T>& v) {
  Array a = Array::New(env, v.size());
  // Empty when the environment is shutting down: nothing to copy into.
  if (!a.IsEmpty() && !v.empty()) std::memcpy(a.Data(), v.data(), v.size() * sizeof(T));
  return a;
}

class SamplerWrap : public Napi::ObjectWrap<SamplerWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Sampler",
                       {InstanceMethod<&SamplerWrap::Start>("start"),
                        InstanceMethod<&SamplerWrap::Collect>("collect"),
                        InstanceMethod<&SamplerWrap::Stop>("stop"),
                        InstanceMethod<&SamplerWrap::ReadFrames>("readFrames"),
                        InstanceMethod<&SamplerWrap::FrameSlot>("frameSlot"),
                        InstanceMethod<&SamplerWrap::MarkSlots>("markSlots"),
                        InstanceAccessor<&SamplerWrap::Running>("running"),
                        InstanceAccessor<&SamplerWrap::Shared>("shared")});
  }

  explicit SamplerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SamplerWrap>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsNumber()) {
      Napi::TypeError::New(env, "intervalMicros must be a number").ThrowAsJavaScriptException();
      return;
    }
    const double interval = info[0].As<Napi::Number>().DoubleValue();
    if (!(interval >= kMinIntervalUs && interval <= kMaxIntervalUs) ||
        interval != static_cast<int>(interval)) {
      Napi::RangeError::New(env, "intervalMicros must be an integer from 1000 to 1000000")
          .ThrowAsJavaScriptException();
      return;
    }
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, kSharedLength * sizeof(int32_t));
    if (buffer.IsEmpty()) return;
    std::memset(buffer.Data(), 0, buffer.ByteLength());
    shared_ = Napi::Persistent(buffer);
    sampler_ = std::make_unique<Sampler>(v8::Isolate::GetCurrent(), static_cast<int>(interval),
                                         static_cast<int32_t*>(buffer.Data()));
    // Worker termination and environment teardown stop the sampler while
    // the isolate is still alive.
    napi_add_env_cleanup_hook(env, &SamplerWrap::OnEnvCleanup, this);
    cleanup_registered_ = true;
  }

  ~SamplerWrap() override {
    if (cleanup_registered_) {
      napi_remove_env_cleanup_hook(Env(), &SamplerWrap::OnEnvCleanup, this);
    }
    StopSampler();
  }

 private:
  static void OnEnvCleanup(void* arg) {
    auto* self = static_cast<SamplerWrap*>(arg);
    self->cleanup_registered_ = false;
    self->StopSampler();
    if (self->sampler_) self->sampler_->MarkSlots(nullptr, 0);
    // The key's global handle and the GC callbacks must go while the
    // isolate is still alive.
    if (self->sampler_) self->sampler_->StopReadingFrames();
  }

  void StopSampler() {
    if (sampler_ && sampler_->running()) {
      sampler_->Stop();
      t_isolate_busy = false;
    }
  }

  void Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!sampler_) {
      Napi::Error::New(env, "sampler was not constructed").ThrowAsJavaScriptException();
      return;
    }
    if (sampler_->running()) {
      Napi::Error::New(env, "sampler is already started").ThrowAsJavaScriptException();
      return;
    }
    if (t_isolate_busy) {
      Napi::Error::New(env, "another sampler is already running on this thread")
          .ThrowAsJavaScriptException();
      return;
    }
    std::string error = sampler_->Start();
    if (!error.empty()) {
      Napi::Error::New(env, "sampler could not start: " + error).ThrowAsJavaScriptException();
      return;
    }
    t_isolate_busy = true;
  }

  Napi::Value Collect(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!sampler_ || !sampler_->running()) {
      Napi::Error::New(env, "collect() called before start()").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    TranslatedWindow w;
    sampler_->Collect(&w);
    if (!sampler_->running()) t_isolate_busy = false;
    if (env.IsExceptionPending()) return env.Undefined();

    Napi::Object nodes = Napi::Object::New(env);
    nodes.Set("parent", ToTyped<int32_t, Napi::Int32Array>(env, w.node_parent));
    nodes.Set("name", ToTyped<int32_t, Napi::Int32Array>(env, w.node_name));
    nodes.Set("url", ToTyped<int32_t, Napi::Int32Array>(env, w.node_url));
    nodes.Set("line", ToTyped<int32_t, Napi::Int32Array>(env, w.node_line));
    nodes.Set("column", ToTyped<int32_t, Napi::Int32Array>(env, w.node_column));
    nodes.Set("kind", ToTyped<uint8_t, Napi::Uint8Array>(env, w.node_kind));

    Napi::Object samples = Napi::Object::New(env);
    samples.Set("node", ToTyped<int32_t, Napi::Int32Array>(env, w.sample_node));
    samples.Set("slot", ToTyped<int32_t, Napi::Int32Array>(env, w.sample_slot));
    samples.Set("timeUs", ToTyped<double, Napi::Float64Array>(env, w.sample_time_us));
    samples.Set("cpuNs", ToTyped<double, Napi::Float64Array>(env, w.sample_cpu_ns));
    samples.Set("wallNs", ToTyped<double, Napi::Float64Array>(env, w.sample_wall_ns));

    Napi::Array strings = Napi::Array::New(env, w.strings.size());
    for (size_t i = 0; i < w.strings.size(); ++i) {
      strings.Set(static_cast<uint32_t>(i), Napi::String::New(env, w.strings[i]));
    }

    Napi::Object stats = Napi::Object::New(env);
    stats.Set("v8Samples", w.v8_samples);
    stats.Set("unmatchedSamples", w.unmatched_samples);
    stats.Set("untimedSamples", w.untimed_samples);
    stats.Set("unmatchedTicks", w.unmatched_ticks);
    stats.Set("rotateNs", static_cast<double>(w.rotate_ns));
    stats.Set("translateNs", static_cast<double>(w.translate_ns));
    stats.Set("recovered", w.recovered);
    stats.Set("recoveries", sampler_->recoveries());
    stats.Set("rechained", w.rechained);
    stats.Set("rechains", sampler_->rechains());

    Napi::Object out = Napi::Object::New(env);
    out.Set("startUs", static_cast<double>(w.start_us));
    out.Set("endUs", static_cast<double>(w.end_us));
    out.Set("nodes", nodes);
    out.Set("strings", strings);
    out.Set("samples", samples);
    out.Set("stats", stats);
    return out;
  }

  void Stop(const Napi::CallbackInfo&) { StopSampler(); }

  // readFrames(key: object | null): boolean
  Napi::Value ReadFrames(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!sampler_) {
      Napi::Error::New(env, "sampler was not constructed").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    if (info.Length() < 1 || info[0].IsNull() || info[0].IsUndefined()) {
      sampler_->StopReadingFrames();
      return Napi::Boolean::New(env, false);
    }
    if (!info[0].IsObject()) {
      Napi::TypeError::New(env, "key must be an object or null").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    napi_value raw = info[0];
    v8::Local<v8::Object> key;
    static_assert(sizeof(napi_value) == sizeof(v8::Local<v8::Value>), "napi_value is a V8 local");
    std::memcpy(static_cast<void*>(&key), &raw, sizeof raw);
    return Napi::Boolean::New(env, sampler_->ReadFrames(key));
  }

  // The handler marks slots in the array's memory, so the wrap keeps a
  // reference to it until another array or null replaces it.
  void MarkSlots(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!sampler_) return;
    if (info.Length() < 1 || info[0].IsNull()) {
      sampler_->MarkSlots(nullptr, 0);
      marks_.Reset();
      return;
    }
    if (!info[0].IsTypedArray() ||
        info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      Napi::TypeError::New(env, "marks must be a Uint8Array or null").ThrowAsJavaScriptException();
      return;
    }
    Napi::Uint8Array marks = info[0].As<Napi::Uint8Array>();
    sampler_->MarkSlots(marks.Data(), static_cast<uint32_t>(marks.ElementLength()));
    marks_ = Napi::Persistent(marks);
  }

  Napi::Value FrameSlot(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), sampler_ ? sampler_->FrameSlot() : 0);
  }

  Napi::Value Running(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), sampler_ && sampler_->running());
  }

  Napi::Value Shared(const Napi::CallbackInfo&) { return shared_.Value(); }

  Napi::Reference<Napi::ArrayBuffer> shared_;
  Napi::Reference<Napi::Uint8Array> marks_;
  std::unique_ptr<Sampler> sampler_;
  bool cleanup_registered_ = false;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // The Node ABI this binary was compiled for. The loader compares it with
  // the running Node before anything calls into V8: a binary of another ABI
  // loads, then dies on its first V8 call with an unresolved symbol.
  exports.Set("abi", Napi::Number::New(env, SPANPROF_NODE_ABI));
  exports.Set("Sampler", SamplerWrap::Define(env));
  exports.Set("monotonicNowUs", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                return Napi::Number::New(info.Env(), static_cast<double>(MonotonicNs() / 1000));
              }));
  exports.Set("threadCpuNs", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                return Napi::Number::New(info.Env(), static_cast<double>(ThreadCpuNs()));
              }));
  // The layout TypeScript reads: the shared cells and the node kinds. The
  // loader compares it with its own copy, so the two sides cannot drift.
  Napi::Object shared = Napi::Object::New(env);
  shared.Set("slot", static_cast<double>(kSlotIndex));
  shared.Set("ticks", static_cast<double>(kTicksIndex));
  shared.Set("dropped", static_cast<double>(kDroppedIndex));
  shared.Set("generation", static_cast<double>(kGenerationIndex));
  shared.Set("length", static_cast<double>(kSharedLength));
  Napi::Object kinds = Napi::Object::New(env);
  kinds.Set("js", static_cast<double>(kJsNode));
  kinds.Set("root", static_cast<double>(kRootNode));
  kinds.Set("program", static_cast<double>(kProgramNode));
  kinds.Set("idle", static_cast<double>(kIdleNode));
  kinds.Set("gc", static_cast<double>(kGcNode));
  Napi::Object layout = Napi::Object::New(env);
  layout.Set("shared", shared);
  layout.Set("nodeKinds", kinds);
  exports.Set("layout", layout);
  return exports;
}

}  // namespace
}  // namespace spanprof

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  return spanprof::Init(env, exports);
}

NODE_API_MODULE(spanprof_native, InitAddon)
