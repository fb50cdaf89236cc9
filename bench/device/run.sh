#!/usr/bin/env bash
# The GPU benchmark on a remote machine (bench/device/README.md): bench/gpu.ts on webgpu (Dawn on
# the machine's Vulkan driver) and the same step in the machine's PyTorch on CUDA as the anchor,
# images/s for the small CNN and ResNet-18 at 64x64, batch 32/128/256. Needs .gpubench/ (made here
# by bench/device/prepare.sh, carried to the machine). Results: stdout, and $OUT (or --out) as
# gpu.json, torch.jsonl, summary.txt.
#
#   bash bench/device/run.sh [--steps 5] [--batches 32,128,256] [--size 64] [--only ENCODER]
#                            [--backends webgpu] [--deadline 420] [--out DIR]
# --deadline: seconds from the start after which no webgpu configuration starts (each has 120 s at
# most), so a call with timeout_s 570 ends with a summary.
#   bash bench/device/run.sh --dry-run   # here: a fresh copy of the tree, SwiftShader, tiny shapes
#
# --dry-run checks the carried bundle without a GPU: it copies the tree as the device call sends it
# (tracked and untracked files that git does not ignore) to a temporary folder, unpacks .gpubench
# there, and runs the same steps on SwiftShader (VK_ICD_FILENAMES, Debian chromium) at 16x16,
# batch 8, one step, beside wasm; PyTorch on CPU if python3 has it.
set -uo pipefail
cd "$(dirname "$0")/../.."
SRC=$PWD
DRY=0 STEPS='' BATCHES='' SIZE='' ONLY='' BACKENDS='' DEADLINE=420 DEST=${OUT:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY=1 ;;
    --steps) STEPS=$2; shift ;;
    --batches) BATCHES=$2; shift ;;
    --size) SIZE=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --backends) BACKENDS=$2; shift ;;
    --deadline) DEADLINE=$2; shift ;;
    --out) DEST=$2; shift ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ -s .gpubench/node.xz ] && [ -s .gpubench/node_modules.tar.xz ] || { echo "run.sh: no .gpubench (run bench/device/prepare.sh here, and carry .gpubench)" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpubench.XXXXXX")
DEST=${DEST:-$WORK/out}
mkdir -p "$DEST"

if [ "$DRY" = 1 ]; then
  STEPS=${STEPS:-1} BATCHES=${BATCHES:-8} SIZE=${SIZE:-16} ONLY=${ONLY:-small-cnn} BACKENDS=${BACKENDS:-webgpu,wasm}
  TORCH_DEVICE=cpu
  export VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-/usr/lib/chromium/vk_swiftshader_icd.json}
  [ -f "$VK_ICD_FILENAMES" ] || { echo "run.sh --dry-run: no SwiftShader at $VK_ICD_FILENAMES (Debian package chromium)" >&2; exit 1; }
  ROOT=$WORK/tree
  mkdir -p "$ROOT"
  git ls-files -co --exclude-standard -z | xargs -0 -I{} cp --parents {} "$ROOT" 2>/dev/null
  cp -r .gpubench "$ROOT/"
  cd "$ROOT"
else
  STEPS=${STEPS:-5} BATCHES=${BATCHES:-32,128,256} SIZE=${SIZE:-64} BACKENDS=${BACKENDS:-webgpu}
  TORCH_DEVICE=cuda
  # The Vulkan loader (the machine has the NVIDIA driver's ICD but no loader), as the workplace documents.
  if ! ldconfig -p | grep -q 'libvulkan\.so\.1'; then
    for f in .gpubench/gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  NV=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && [ -f "$NV" ]; then export VK_DRIVER_FILES=$NV; fi
  command -v nvidia-smi >/dev/null && nvidia-smi -L
  ROOT=$SRC
fi

xz -dc .gpubench/node.xz >"$WORK/node" && chmod +x "$WORK/node"
if [ ! -d node_modules ] || [ -L node_modules ]; then rm -f node_modules; tar -xJf .gpubench/node_modules.tar.xz; fi
echo "node $("$WORK/node" --version) in $ROOT; Vulkan driver: ${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-default search}}"

# The anchor first (a minute on CUDA), then webgpu until the deadline.
: >"$DEST/torch.jsonl"
if python3 -c 'import torch' 2>/dev/null; then
  [ "$TORCH_DEVICE" = cuda ] && ! python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' && TORCH_DEVICE=cpu
  for enc in small-cnn resnet18; do
    [ -n "$ONLY" ] && [ "$ONLY" != "$enc" ] && continue
    if [ "$enc" = small-cnn ]; then W=32 D=3; else W=64 D=4; fi
    for b in ${BATCHES//,/ }; do
      timeout 90 python3 bench/torch/byol_step.py --encoder $enc --width $W --depth $D --size "$SIZE" --batch "$b" --channels 1 \
        --steps "$STEPS" --device "$TORCH_DEVICE" --infer-batch "$b" --threads "$(nproc)" 2>"$WORK/torch.err" | tail -1 >>"$DEST/torch.jsonl" \
        || echo "pytorch $enc batch $b failed: $(tail -1 "$WORK/torch.err")"
    done
  done
else
  echo "no PyTorch in python3 here: the anchor is skipped"
fi

ONLY_ARG=()
[ -n "$ONLY" ] && ONLY_ARG=(--only "$ONLY")
"$WORK/node" bench/gpu.ts --steps "$STEPS" --batches "$BATCHES" --size "$SIZE" --backends "$BACKENDS" \
  --timeout 120 --deadline "$(( DEADLINE > SECONDS ? DEADLINE - SECONDS : 0 ))" --json "$DEST/gpu.json" "${ONLY_ARG[@]}" 2>&1 | tee "$DEST/gpu.txt"

"$WORK/node" bench/device/summary.ts "$DEST/gpu.json" "$DEST/torch.jsonl" | tee "$DEST/summary.txt"
[ "$DRY" = 1 ] && echo "dry run: results in $DEST"
