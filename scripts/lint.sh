#!/usr/bin/env bash
# ESLint over the TypeScript and JavaScript (which files: eslint.config.mjs),
# then clang-format's check of the C++ in native/ and test/native/ against
# .clang-format, where clang-format is installed. Exits non-zero on any
# finding.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# The project's own folders: anything else in the work tree is not the project's.
node node_modules/eslint/bin/eslint.js src test bench scripts examples eslint.config.mjs
if command -v clang-format >/dev/null 2>&1; then
  clang-format --dry-run --Werror native/*.cc native/*.h test/native/*.cc test/native/*.h
else
  echo "lint: clang-format is not installed; the C++ layout was not checked"
fi
