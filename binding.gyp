{
  "variables": {
    # Build with `--sanitize=1` (see scripts/test-asan.sh) for an ASan+UBSan binary.
    "sanitize%": 0
  },
  "targets": [
    {
      "target_name": "spanprof",
      "sources": [
        "native/addon.cc",
        "native/sampler.cc",
        "native/signal_chain.cc",
        "native/frame_slot_reader.cc",
        "native/profile_translator.cc",
        "native/tick_matcher.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      # No C++ exceptions: a failed N-API call (as while a worker terminates)
      # leaves a pending JS exception instead of a throw that could escape, and
      # an error raised while the environment tears down is dropped, not fatal.
      "defines": ["SPANPROF_NODE_ABI=<(node_module_version)", "NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags_cc": ["-std=c++20", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers", "-Wno-cast-function-type", "-Werror=return-type"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++20",
        "MACOSX_DEPLOYMENT_TARGET": "11.0",
        "WARNING_CFLAGS": ["-Wall", "-Wextra", "-Wno-unused-parameter"]
      },
      "conditions": [
        ["sanitize==1", {
          "cflags_cc": ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=undefined", "-g", "-O1"],
          "ldflags": ["-fsanitize=address,undefined"]
        }]
      ]
    }
  ]
}
