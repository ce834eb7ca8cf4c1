#!/usr/bin/env bash
# The GPU benchmark (bench/gpu.ts) on a machine that has a GPU but no Node, no npm and no network
# (the device tool's machines). Two steps:
#   bash scripts/gpuBench.sh prepare   here: packs everything into .gpu/ (git-ignored through .git/info/exclude):
#                                      the benchmark bundled into one file, Dawn's Node binding (linux-x64 only),
#                                      this machine's node binary (xz), and the Vulkan loader's Debian packages
#   bash scripts/gpuBench.sh device [bench args]  there (the device tool's `run`, carry [".gpu"]): unpacks them, records
#                                      nvidia-smi, and runs the benchmark; results land in $OUT (or out/gpu/)
# Without a GPU, `npm run bench:gpu -- --swiftshader` runs the same file at small sizes on SwiftShader.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"

case "$mode" in
prepare)
  grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >>.git/info/exclude
  rm -rf .gpu && mkdir -p .gpu/node_modules/webgpu/dist .gpu/debs
  npm --prefix bench ci --no-audit --no-fund >/dev/null
  npx esbuild bench/gpu.ts --bundle --platform=node --format=esm --target=node20 --external:webgpu \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
    --outfile=.gpu/bench.mjs --log-level=warning
  # bench/gpu.ts reads data/digits.csv relative to its own file: the bundle sits one folder below the root, as bench/ does
  wg=bench/node_modules/webgpu
  cp "$wg/package.json" "$wg/index.js" .gpu/node_modules/webgpu/
  cp -r "$wg/dist/linux-x64" .gpu/node_modules/webgpu/dist/
  xz -T0 -3 -c "$(readlink -f "$(command -v node)")" >.gpu/node.xz
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  mkdir -p /tmp/amd64/partial
  # shellcheck disable=SC2086
  apt-get $o update >/dev/null && (cd .gpu/debs && apt-get $o download libvulkan1 >/dev/null)
  du -sh .gpu
  echo 'Now the device tool: run { command: "bash scripts/gpuBench.sh device", carry: [".gpu"], timeout_s: 540 }'
  ;;
device)
  out="${OUT:-out/gpu}"
  mkdir -p "$out" && out="$(cd "$out" && pwd)"
  for f in .gpu/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [ -f "$icd" ] && export VK_DRIVER_FILES="$icd"
  export XDG_RUNTIME_DIR=/tmp
  xz -dc .gpu/node.xz >/tmp/node && chmod +x /tmp/node
  (nvidia-smi || true) >"$out/nvidia-smi.txt" 2>&1
  shift
  cd .gpu && /tmp/node bench.mjs --json="$out/gpu.json" "$@" 2>&1 | tee "$out/gpu.txt"
  ;;
*)
  echo "usage: bash scripts/gpuBench.sh prepare|device" >&2
  exit 2
  ;;
esac
