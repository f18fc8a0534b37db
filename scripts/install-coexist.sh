#!/usr/bin/env bash
# Installs the other SIGPROF users that test/reliability-coexist-*.test.js run
# beside spanprof (today @datadog/pprof), from test/coexistence/'s own
# package.json and lockfile. They are never dependencies of spanprof itself.
# Without this step those tests skip, saying which package is missing.
set -euo pipefail
cd "$(dirname "$0")/../test/coexistence"
npm ci --no-audit --no-fund --loglevel=error
