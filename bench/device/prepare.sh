#!/usr/bin/env bash
# Builds .gpubench/ (ignored by git) for bench/device/run.sh on a remote GPU machine that has no Node
# and no network: Node 24's linux-x64 binary from node_modules/node (xz), the node_modules files
# bench/gpu.ts loads (bench/device/bundle.ts; tar.xz), and the Vulkan loader's Debian package.
# The working tree travels to the machine by itself; .gpubench is named in the call's `carry`.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=.gpubench
mkdir -p "$B/gl"
EXCLUDE=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$EXCLUDE")"
grep -qxF '/.gpubench/' "$EXCLUDE" 2>/dev/null || echo '/.gpubench/' >>"$EXCLUDE"
export PATH="$PWD/node_modules/.bin:$PATH"

NODE=node_modules/node/bin/node
[ -x "$NODE" ] || { echo "prepare: no $NODE (run npm ci first)" >&2; exit 1; }
case "$(file -b "$(readlink -f "$NODE")" 2>/dev/null || echo x86-64)" in *x86-64*) ;; *) echo "prepare: $NODE is not an x86-64 binary" >&2; exit 1 ;; esac
if [ ! -s "$B/node.xz" ] || [ "$NODE" -nt "$B/node.xz" ]; then
  echo "compressing $(du -h "$(readlink -f "$NODE")" | cut -f1) Node binary…"
  xz -T0 -6 -c "$(readlink -f "$NODE")" >"$B/node.xz.tmp" && mv "$B/node.xz.tmp" "$B/node.xz"
fi
echo "bundling node_modules for bench/gpu.ts…"
node bench/device/bundle.ts | tar -cf - --dereference -T - | xz -T0 -6 >"$B/node_modules.tar.xz.tmp"
mv "$B/node_modules.tar.xz.tmp" "$B/node_modules.tar.xz"
if ! ls "$B"/gl/libvulkan1_*_amd64.deb >/dev/null 2>&1; then
  if ls /var/cache/apt/archives/libvulkan1_*_amd64.deb >/dev/null 2>&1; then
    cp /var/cache/apt/archives/libvulkan1_*_amd64.deb "$B/gl/"
  else
    (cd "$B/gl" && apt-get -oAPT::Architecture=amd64 download libvulkan1:amd64)
  fi
fi
du -sh "$B"/* "$B"/gl/* | sed 's/^/  /'
TREE=$(git ls-files -co --exclude-standard -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
TOTAL=$(( TREE + $(du -sb "$B" | cut -f1) ))
echo "working tree $(( TREE / 1048576 )) MiB + .gpubench = $(( TOTAL / 1048576 )) MiB of the 64 MiB a device call carries"
[ "$TOTAL" -lt $(( 64 * 1048576 )) ] || { echo "prepare: over 64 MiB" >&2; exit 1; }
