#!/bin/bash
# Diffs the sim against the real kernel for one crosscheck scenario:
#   sim/examples/crosscheck/run.sh SCENARIO [STEPS]
# The real side runs in a private network AND mount namespace (a tmpfs over /run holds the
# `ip netns` files), so the machine's own namespaces, /run/netns and firewall are untouched.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
cargo run -q -p docknet-sim --example crosscheck -- "$@" > "$out/sim.txt"
sed -n '/^#STATE$/,$p' "$out/sim.txt" | tail -n +2 > "$out/sim.state"
unshare --net --mount bash -c "mount -t tmpfs tmpfs /run && mkdir /run/netns && python3 '$here/real_state.py'" \
    < "$out/sim.txt" > "$out/real.state"
diff "$out/sim.state" "$out/real.state" && echo "identical: $*"
