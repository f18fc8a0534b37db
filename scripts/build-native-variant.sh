#!/usr/bin/env bash
# Builds the addon with extra gyp variables into .cache/native-<name>/ so a
# sanitizer build never replaces build/Release. Prints the binary's path.
#   scripts/build-native-variant.sh asan -Dsanitize=1
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=$1; shift
dir="$root/.cache/native-$name"
mkdir -p "$dir"
cp "$root/binding.gyp" "$dir/"
rm -rf "$dir/native" && cp -r "$root/native" "$dir/native"
ln -sfn "$root/node_modules" "$dir/node_modules"
cd "$dir"
# Build against the headers of the node on PATH, which ship beside its binary
# (<prefix>/include/node), so nothing is downloaded.
nodedir=${npm_config_nodedir:-$(node -p "require('path').resolve(process.execPath, '..', '..')")}
[ -f "$nodedir/include/node/node.h" ] || { echo "no Node headers under $nodedir/include/node" >&2; exit 1; }
gyp=(node "$root/node_modules/node-gyp/bin/node-gyp.js")
"${gyp[@]}" configure --nodedir="$nodedir" "$@" >build.log 2>&1 || { cat build.log >&2; exit 1; }
"${gyp[@]}" build >>build.log 2>&1 || { cat build.log >&2; exit 1; }
echo "$dir/build/Release/spanprof.node"
