#!/usr/bin/env bash
# Installs llama.cpp (prebuilt shared libraries + the exact source they were
# built from) into a git-ignored folder, for the llama.cpp oracle tests.
# Idempotent: does nothing when the pinned version is already there.
#   $1  destination (default .deps/llama)
# Nothing of llama.cpp is committed to the repository.
set -eu
dest=${1:-.deps/llama}
version=3.21.1            # node-llama-cpp; ships llama.cpp release v0.4.0
pkg_json=$dest/node_modules/node-llama-cpp/package.json
bin_json=$dest/node_modules/@node-llama-cpp/linux-x64/package.json

installed_version() {   # prints the "version" field of a package.json, or nothing
  [ -f "$1" ] && sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$1" | head -1
}

if [ "$(installed_version "$pkg_json")" = "$version" ] &&
   [ "$(installed_version "$bin_json")" = "$version" ]; then
  echo "deps-llama: node-llama-cpp@$version already in $dest"
else
  command -v npm >/dev/null || { echo "deps-llama: npm is missing (make deps installs it)" >&2; exit 1; }
  mkdir -p "$dest"
  # -E pins exact versions in $dest/package.json; --omit=optional skips the
  # CUDA/Vulkan/other-OS binary packages; --ignore-scripts stops the
  # postinstall from downloading or building anything; --prefer-offline
  # reuses the npm cache so a repeat install needs no network.
  npm install --prefix "$dest" -E --omit=optional --ignore-scripts --prefer-offline \
    --no-audit --no-fund --loglevel=error \
    "node-llama-cpp@$version" "@node-llama-cpp/linux-x64@$version"
  echo "deps-llama: installed node-llama-cpp@$version into $dest"
fi

# The llama.cpp source of the prebuilt libraries (headers, test vocabularies).
if [ -f "$dest/src/include/llama.h" ]; then
  echo "deps-llama: llama.cpp source already in $dest/src"
else
  rm -rf "$dest/src"
  git -c advice.detachedHead=false clone -q "$dest/node_modules/node-llama-cpp/llama/gitRelease.bundle" "$dest/src"
  echo "deps-llama: cloned llama.cpp source ($(git -C "$dest/src" rev-parse --short HEAD)) into $dest/src"
fi
