// A minimal test harness for the native unit tests: TEST registers a case,
// CHECK and CHECK_EQ record a failure and go on, and RunAll runs every case
// and ends with "N passed, N failed". No framework to install.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace check {

struct Case {
  const char* name;
  void (*fn)();
};

inline std::vector<Case>& Cases() {
  static std::vector<Case> cases;
  return cases;
}

inline int& Failures() {
  static int failures = 0;
  return failures;
}

struct Register {
  Register(const char* name, void (*fn)()) { Cases().push_back({name, fn}); }
};

inline void Fail(const char* file, int line, const std::string& what) {
  ++Failures();
  std::fprintf(stderr, "  %s:%d: %s\n", file, line, what.c_str());
}

template <typename A, typename B>
void CheckEq(const A& a, const B& b, const char* as, const char* bs, const char* file, int line) {
  if (a == b) return;
  // Unary + prints chars and bools as numbers; the checks compare integers.
  Fail(file, line,
       std::string(as) + " == " + bs + ": " + std::to_string(+a) + " != " + std::to_string(+b));
}

inline int RunAll(const char* suite) {
  int passed = 0;
  int failed = 0;
  for (const Case& c : Cases()) {
    const int before = Failures();
    c.fn();
    const bool ok = Failures() == before;
    std::printf("%s %s: %s\n", ok ? "ok  " : "FAIL", suite, c.name);
    ++(ok ? passed : failed);
  }
  std::printf("%s: %d passed, %d failed\n", suite, passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace check

#define CHECK_CONCAT2(a, b) a##b
#define CHECK_CONCAT(a, b) CHECK_CONCAT2(a, b)
#define TEST(name)                                                                                \
  static void CHECK_CONCAT(test_, __LINE__)();                                                    \
  static const check::Register CHECK_CONCAT(reg_, __LINE__)(name, CHECK_CONCAT(test_, __LINE__)); \
  static void CHECK_CONCAT(test_, __LINE__)()
#define CHECK(cond) ((cond) ? (void)0 : check::Fail(__FILE__, __LINE__, "CHECK(" #cond ")"))
#define CHECK_EQ(a, b) check::CheckEq((a), (b), #a, #b, __FILE__, __LINE__)
