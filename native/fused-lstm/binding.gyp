{
  "targets": [
    {
      "target_name": "fused_lstm",
      "sources": ["src/binding.cc", "src/lstm.cc", "src/adam.cc", "src/matmul.cc", "src/pooling.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL", "FUSED_LSTM_SOURCES=<!(node sources-digest.cjs)"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math", "-std=c++17", "<!@(pkg-config --cflags openblas 2>/dev/null || echo -I/usr/include/openblas)"],
      "libraries": ["<!@(pkg-config --libs openblas 2>/dev/null || echo -lopenblas)"]
    }
  ]
}
