#include "signal_chain.h"

#include <errno.h>
#include <signal.h>

#include <mutex>

#include "clock.h"

namespace spanprof {
namespace {

#if defined(__GLIBC__)
// initial-exec: reading the pointer is one instruction with no call into the
// dynamic loader, which is not async-signal-safe on first use.
#define SPANPROF_TLS_MODEL __attribute__((tls_model("initial-exec")))
#else
#define SPANPROF_TLS_MODEL
#endif

thread_local ThreadTickState* t_state SPANPROF_TLS_MODEL = nullptr;
// Set while this thread runs our handler. A handler that calls ours while we
// are calling it would recurse until the stack overflows; the second entry
// returns at once instead.
thread_local bool t_in_handler SPANPROF_TLS_MODEL = false;

std::mutex g_mutex;        // guards the fields below, never taken in the handler
int g_users = 0;           // samplers that want the chain
bool g_installed = false;  // our handler is (or was left) installed
// The handler we forward to. Written only while ours is not installed, so the
// handler never sees it change.
struct sigaction g_next;

void OnSigprof(int sig, siginfo_t* info, void* ucontext);

// Notes that a tick of the open window took `slot`: one byte store.
void MarkSampled(const ThreadTickState& state, int32_t slot) {
  if (slot <= 0) return;
  const uint32_t length = state.marks_length.load(std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  uint8_t* marks = state.marks.load(std::memory_order_relaxed);
  if (marks == nullptr || static_cast<uint32_t>(slot) >= length) return;
  const int32_t generation = __atomic_load_n(&state.shared[kGenerationIndex], __ATOMIC_RELAXED);
  __atomic_store_n(&marks[slot], static_cast<uint8_t>(generation), __ATOMIC_RELAXED);
}

void Forward(int sig, siginfo_t* info, void* ucontext) {
  if (g_next.sa_flags & SA_SIGINFO) {
    // Refuse to call ourselves: a self-chain would recurse forever.
    if (g_next.sa_sigaction != nullptr && g_next.sa_sigaction != OnSigprof) {
      g_next.sa_sigaction(sig, info, ucontext);
    }
  } else if (g_next.sa_handler != SIG_DFL && g_next.sa_handler != SIG_IGN &&
             g_next.sa_handler != nullptr) {
    g_next.sa_handler(sig);
  }
  // SIG_DFL would terminate the process and SIG_IGN does nothing: a stray
  // SIGPROF with no profiler behind us is dropped.
}

// Only async-signal-safe work here: TLS read, atomics, clock_gettime, raw
// loads of the frame (FrameSlotReader::Read), the call into V8's handler,
// a byte store to the marks and a ring write. errno is saved and restored.
void OnSigprof(int sig, siginfo_t* info, void* ucontext) {
  if (t_in_handler) return;
  t_in_handler = true;
  const int saved_errno = errno;
  ThreadTickState* state = t_state;
  if (state == nullptr || !state->active.load(std::memory_order_relaxed)) {
    Forward(sig, info, ucontext);
    errno = saved_errno;
    t_in_handler = false;
    return;
  }
  TickRecord record;
  const FrameSlotReader* frames = state->frames.load(std::memory_order_relaxed);
  record.slot = frames != nullptr ? frames->Read()
                                  : __atomic_load_n(&state->shared[kSlotIndex], __ATOMIC_RELAXED);
  MarkSampled(*state, record.slot);
  record.before_ns = MonotonicNs();
  Forward(sig, info, ucontext);
  record.after_ns = MonotonicNs();
  record.cpu_ns = ThreadCpuNs();
  record.seq =
      static_cast<uint32_t>(__atomic_fetch_add(&state->shared[kTicksIndex], 1, __ATOMIC_RELAXED));
  if (!state->ring->Push(record)) {
    __atomic_fetch_add(&state->shared[kDroppedIndex], 1, __ATOMIC_RELAXED);
  }
  errno = saved_errno;
  t_in_handler = false;
}

bool IsOurs(const struct sigaction& action) {
  return (action.sa_flags & SA_SIGINFO) && action.sa_sigaction == OnSigprof;
}

// Puts ours in front of `current`, which it will forward to. Under g_mutex.
// False, touching nothing, when `current` is no handler to chain to.
bool InstallInFrontOf(const struct sigaction& current) {
  if (!(current.sa_flags & SA_SIGINFO) &&
      (current.sa_handler == SIG_DFL || current.sa_handler == SIG_IGN)) {
    return false;
  }
  g_next = current;
  struct sigaction ours = {};
  ours.sa_sigaction = OnSigprof;
  ours.sa_flags = SA_SIGINFO | SA_RESTART | (current.sa_flags & SA_ONSTACK);
  ours.sa_mask = current.sa_mask;
  if (sigaction(SIGPROF, &ours, nullptr) != 0) return false;
  g_installed = true;
  return true;
}

}  // namespace

bool AcquireSignalChain() {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (!g_installed) {
    struct sigaction current;
    if (sigaction(SIGPROF, nullptr, &current) != 0) return false;
    if (IsOurs(current)) {
      // Installed by a previous load of this library that was never
      // released; forwarding to ourselves is refused in Forward().
      g_installed = true;
    } else {
      // False when V8's sampler did not install its handler.
      if (!InstallInFrontOf(current)) return false;
    }
  }
  ++g_users;
  return true;
}

void ReleaseSignalChain() {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_users == 0) return;
  if (--g_users > 0 || !g_installed) return;
  struct sigaction current;
  if (sigaction(SIGPROF, nullptr, &current) != 0) return;
  if (IsOurs(current)) {
    sigaction(SIGPROF, &g_next, nullptr);
    g_installed = false;
  }
  // Otherwise another handler chained in front of ours and forwards to us;
  // removing ours would cut V8 off from it. Ours stays as a pass-through.
}

bool RechainIfBypassed() {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_users == 0) return false;
  struct sigaction current;
  if (sigaction(SIGPROF, nullptr, &current) != 0 || IsOurs(current)) return false;
  // Nobody calls ours now (the caller saw V8 sample while we got no tick), so
  // g_next can change without the handler seeing it mid-call.
  return InstallInFrontOf(current);
}

void SetThreadTickState(ThreadTickState* state) {
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t_state = state;
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

}  // namespace spanprof
