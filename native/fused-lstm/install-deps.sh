#!/bin/sh
# What the native fused-LSTM kernel needs to build (a C++ compiler, make, Python for node-gyp, OpenBLAS),
# from the system's packages. `npm run setup` runs it before `npm ci`, which builds the kernel.
# Without these, sentiment still installs and runs, on plain WebAssembly (training is 3–4× slower).
set -e
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    SUDO=
  elif command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
  else
    echo "setup: not root and no sudo: skipping apt-get; sentiment will train on plain WebAssembly (3–4x slower)." >&2
    exit 0
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends g++ make python3 libopenblas-dev >/dev/null
  echo "setup: g++, make, python3 and libopenblas-dev are installed"
elif command -v brew >/dev/null 2>&1; then
  brew install openblas
  echo "setup: Homebrew's openblas is keg-only: before npm ci, export CPATH=\"\$(brew --prefix openblas)/include\" LIBRARY_PATH=\"\$(brew --prefix openblas)/lib\" (untested on macOS)" >&2
else
  echo "setup: no apt-get or Homebrew: install a C++ compiler, make, Python 3 and OpenBLAS to build the native kernel; without them sentiment trains on plain WebAssembly (3–4x slower)." >&2
fi
