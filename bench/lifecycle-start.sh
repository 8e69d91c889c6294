#!/usr/bin/env bash
# Warm start of the system container, side by side:
#   runtime : bin/lxcatastrophe starts (JVM, Felix, lifecycle reuses the container dir, writes the config) -> sshd banner
#   raw     : lxc-start -F of the same container directory with the config the runtime wrote          -> sshd banner
# Both run like in Docker: in a network namespace this script makes (its "eth0" is one end of a veth pair), with a
# sysfs of that namespace; the banner is read from a second namespace on the other end. The host's own interfaces are
# never touched. Prints every round, the medians and the ratio (target <= 1.1).
#
#   bench/lifecycle-start.sh [ROUNDS]        (default 3; as root; needs lxc, uidmap, python3, iproute2, util-linux)
#   LXCAT_DIST=dir        the assembled distribution (default distribution/target/lxcatastrophe)
#   LXCAT_BENCH_RSS_IDLE=2  seconds after the banner before the wrapper's RSS is read (not part of the times)
#   LXCAT_BENCH_SEED=1    create the container with tar in the user namespace instead of the runtime's first start
set -euo pipefail
rounds=${1:-3}
rss_idle=${LXCAT_BENCH_RSS_IDLE:-2}
repo=$(cd "$(dirname "$0")/.." && pwd)
dist=${LXCAT_DIST:-$repo/distribution/target/lxcatastrophe}
[ "$(id -u)" = 0 ] || { echo "lifecycle-start: run as root" >&2; exit 1; }
[ -x "$dist/bin/lxcatastrophe" ] || { echo "lifecycle-start: no distribution at $dist (mvn -B verify first)" >&2; exit 1; }
"$repo/testbed/build-test-image.sh" default >/dev/null
server=${LXCAT_TESTBED_CACHE:-$HOME/.cache/lxcatastrophe-testbed}/server

ns=lifecycle-bench peer=lifecycle-bpeer name=lifecycle-bench
addr=10.213.9.2 peeraddr=10.213.9.1 port=8197
work=$(mktemp -d /tmp/lifecycle-bench.XXXXXX)
chmod 700 "$work"
cp /etc/subuid "$work/subuid.orig"; cp /etc/subgid "$work/subgid.orig"
pids=()
cleanup() {
  set +e
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  sleep 1
  nsenter --net=/run/netns/$ns lxc-stop -P "$work/containers" -n $name -k >/dev/null 2>&1
  ip netns del $ns 2>/dev/null; ip netns del $peer 2>/dev/null
  cp "$work/subuid.orig" /etc/subuid; cp "$work/subgid.orig" /etc/subgid
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

ip netns del $ns 2>/dev/null || true; ip netns del $peer 2>/dev/null || true
ip netns add $ns; ip netns add $peer
ip link add lxcbench-c type veth peer name lxcbench-p
ip link set lxcbench-c netns $ns; ip link set lxcbench-p netns $peer
ip -n $ns link set lxcbench-c name eth0
ip -n $ns addr add $addr/24 dev eth0; ip -n $ns link set eth0 up; ip -n $ns link set lo up
ip -n $ns route add default via $peeraddr
ip -n $peer addr add $peeraddr/24 dev lxcbench-p; ip -n $peer link set lxcbench-p up; ip -n $peer link set lo up
mac=$(ip -n $ns -br link show eth0 | awk '{print $3}')
# the container takes eth0's MAC: a static neighbour entry keeps ARP timing out of the measurement
ip -n $peer neigh replace $addr lladdr "$mac" dev lxcbench-p nud permanent
ip netns exec $ns python3 -m http.server $port --bind 127.0.0.1 --directory "$server" >/dev/null 2>&1 &
pids+=($!)

# like a Docker container: own network namespace, a sysfs that shows it, the host's cgroup mounts
cat > "$work/innetns.sh" <<'SH'
#!/bin/sh
set -e
cg=$(mktemp -d /tmp/lifecycle-cg.XXXXXX)
mount --rbind /sys/fs/cgroup "$cg"
mount -t sysfs sysfs /sys
mount --move "$cg" /sys/fs/cgroup
rmdir "$cg"
exec "$@"
SH
chmod +x "$work/innetns.sh"
in_ns() { exec unshare -m --propagation private -- nsenter --net=/run/netns/$ns -- "$work/innetns.sh" "$@"; }

export IMAGE_SERVER=http://127.0.0.1:$port IMAGE_CACHE=$work/cache CONTAINER_PATH=$work/containers CONTAINER_NAME=$name
export NETWORK_FORCE=true NETWORK_STATE_FILE=$work/network-plan.json SHELL_PORT=0

now_ms() { date +%s%3N; }
# waits for the sshd banner on the container's address (from the peer namespace); prints the wall clock in ms
banner_at() { ip netns exec $peer python3 "$repo/bench/sshd-banner.py" "$addr" 120; }

runtime_round() {
  local log=$work/runtime.log t0 t1 p
  t0=$(now_ms)
  echo "=== start $t0" >>"$log"
  in_ns "$dist/bin/lxcatastrophe" >>"$log" 2>&1 &
  p=$!; pids+=($p)
  t1=$(banner_at) || { echo "runtime: no sshd banner; last log lines:" >&2; tail -5 "$log" >&2; exit 1; }
  # the wrapper's resident memory while the container runs (the JVM is $p: every step above execs the next)
  sleep "$rss_idle"; awk '/^VmRSS:/ {print $2}' "/proc/$p/status" >"$work/rss"
  kill -TERM $p
  local rc=0; wait $p || rc=$?
  [ $rc = 0 ] || { echo "runtime exited with $rc; last log lines:" >&2; tail -8 "$log" | cut -c1-240 >&2; exit 1; }
  echo "=== banner $t1" >>"$log"
  [ -z "${LXCAT_BENCH_LOG:-}" ] || cp "$log" "$LXCAT_BENCH_LOG"
  echo "$((t1 - t0)) $(( $(cat "$work/rss") / 1024 ))"
}

raw_round() {
  local t0 t1 p
  t0=$(now_ms)
  in_ns lxc-start -P "$work/containers" -n $name -F </dev/null >/dev/null 2>&1 &
  p=$!; pids+=($p)
  t1=$(banner_at) || { echo "raw lxc-start: no sshd banner" >&2; exit 1; }
  nsenter --net=/run/netns/$ns lxc-stop -P "$work/containers" -n $name -t 8 >/dev/null
  wait $p || true
  echo $((t1 - t0))
}

if [ "${LXCAT_BENCH_SEED:-0}" = 1 ]; then
  # the container the runtime would have created, made with tar in the user namespace
  c=$work/containers/$name img=$(ls -d "$server"/images/debian/bookworm/*/default/* | head -1)
  printf 'root:100000:65536\n' >> /etc/subuid; printf 'root:100000:65536\n' >> /etc/subgid
  mkdir -p "$c/rootfs" "$work/meta"; chmod 711 "$work" "$work/containers" "$c"
  tar -C "$work/meta" -xJf "$img/meta.tar.xz"; chown 100000:100000 "$c/rootfs"
  xz -dc "$img/rootfs.tar.xz" | lxc-usernsexec -m b:0:100000:65536 -- tar -C "$c/rootfs" --numeric-owner \
    --exclude-from="$work/meta/excludes-user" -xpf -
  sed 's#LXC_TEMPLATE_CONFIG#/usr/share/lxc/config#' "$work/meta/config-user" > "$c/image.config"
  printf 'idmap.base=100000\nidmap.size=65536\nimage=seeded\n' > "$c/lxcatastrophe.properties"
  echo "$name" > "$c/rootfs/etc/hostname"
fi
read -r cold cold_rss < <(runtime_round)
echo "first (cold) start by the runtime: $cold ms (download + extraction unless seeded); wrapper RSS $cold_rss MiB"
rt=() raw=() rss=()
for i in $(seq "$rounds"); do
  read -r ms mib < <(runtime_round); rt+=("$ms"); rss+=("$mib"); raw+=("$(raw_round)")
  echo "round $i: runtime ${rt[-1]} ms (wrapper RSS ${rss[-1]} MiB)   raw lxc-start ${raw[-1]} ms"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2)? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
mr=$(median "${rt[@]}") mw=$(median "${raw[@]}")
echo "median: runtime $mr ms   raw lxc-start $mw ms   ratio $(awk -v a="$mr" -v b="$mw" 'BEGIN{printf "%.2f", a/b}') (target <= 1.10)"
echo "wrapper RSS while the container runs, ${rss_idle} s after the banner: $cold_rss MiB after the cold start," \
     "$(median "${rss[@]}") MiB after a warm start (median)"
