#!/usr/bin/env bash
# Start times in Docker, side by side, to the system container's sshd banner (read from the host):
#   cold    docker run of the image with a fresh containers volume and the image already in the cache volume
#           (the runtime copies it from the cache, extracts it with the id shift, configures, boots)
#   warm    docker stop + docker start of that container (the rootfs is reused)
#   raw cold  the same Docker flags, image, address and MAC; a shell entrypoint bridges eth0 like the runtime does,
#           extracts rootfs.tar.xz with tar in the user namespace (lxc-usernsexec; xz -T2, the host's xz), puts the runtime's network files
#           and LXC config in place and runs lxc-start -F
#   raw warm  the same without the extraction (the rootfs the runtime made)
# Targets: warm <= 1.1 x raw warm, cold <= 1.2 x raw cold. Also the wrapper JVM's RSS while the container runs
# (target <= 64 MiB). Everything runs on a Docker network of its own; nothing else is touched.
#
#   bench/docker-start.sh [ROUNDS]     (default 3; as root; needs the distribution built: mvn -B package)
#   LXCAT_BENCH_LOG=FILE               keep the runtime's debug log of the last cold and warm start (see below)
#   LXCAT_DOCKER_FLAGS="..."           other security flags (default: the least-privilege set of docs/docker.md)
set -euo pipefail
rounds=${1:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "docker-start: run as root" >&2; exit 1; }
[ -x "$repo/distribution/target/lxcatastrophe/bin/lxcatastrophe" ] || { echo "docker-start: mvn -B package first" >&2; exit 1; }
"$repo/testbed/docker-base-image.sh" >/dev/null
"$repo/testbed/build-test-image.sh" default >/dev/null
server=${LXCAT_TESTBED_CACHE:-$HOME/.cache/lxcatastrophe-testbed}/server
id=bench$$
image=lxcatastrophe-bench:$id

if [ -n "${LXCAT_DOCKER_FLAGS:-}" ]; then read -r -a flags <<<"$LXCAT_DOCKER_FLAGS"; else
  flags=(--cap-add SYS_ADMIN --cap-add NET_ADMIN --security-opt seccomp=unconfined --security-opt apparmor=unconfined
         --security-opt systempaths=unconfined -v /sys/fs/cgroup:/sys/fs/cgroup:ro)
fi
net=$id-net subnet=10.213.$(( $$ % 200 + 20 )).0/24
addr=${subnet%.0/24}.10 name=benchct
work=$(mktemp -d /tmp/docker-bench.XXXXXX)
chmod 755 "$work"   # the raw extraction reads the tarball as the container's root (a mapped uid)
cleanup() {
  set +e
  docker rm -f -v $id-w $id-raw >/dev/null 2>&1
  docker volume rm -f $id-ct $id-cache >/dev/null 2>&1
  docker network rm $net >/dev/null 2>&1
  docker rmi --no-prune "$image" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
docker build -q -t "$image" "$repo" >/dev/null 2>"$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
docker network create --subnet "$subnet" $net >/dev/null
common=(--network $net --ip $addr -e CONTAINER_NAME=$name "${flags[@]}"
        -v "$server:/mirror:ro" -e IMAGE_SERVER=file:///mirror)
# LXCAT_BENCH_LOG=FILE: the runtime logs at debug level (its start-up phases with times) and the log of the last
# cold + warm start is written to FILE (the debug lines cost a little time: not for the figures)
[ -z "${LXCAT_BENCH_LOG:-}" ] || common+=(-e LXCAT_DEBUG=1)

now_ms() { date +%s%3N; }
# waits for the sshd banner at the fixed address while container $1 runs; prints the wall clock (ms) when it came
banner() { python3 "$repo/bench/sshd-banner.py" "$addr" 300 "$1"; }
rss_kb() { local p; p=$(docker top "$1" -eo pid,args | awk '/java .*Launcher/{print $1; exit}'); awk '/^VmRSS/{print $2}' /proc/$p/status; }
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

# warm-up: fills the image cache volume; keeps the runtime's LXC config and network files for the raw runs
docker volume create $id-cache >/dev/null
docker volume create $id-ct >/dev/null
docker run -d --name $id-w "${common[@]}" -v $id-ct:/var/lib/lxcatastrophe -v $id-cache:/var/cache/lxcatastrophe "$image" >/dev/null
banner $id-w >/dev/null || { docker logs --tail 20 $id-w; exit 1; }
docker stop $id-w >/dev/null
ct=$(docker volume inspect -f '{{.Mountpoint}}' $id-ct)/containers/$name
cp "$ct/config" "$work/config"
cp "$ct/rootfs/etc/network/interfaces" "$work/interfaces"
cp "$ct/rootfs/etc/resolv.conf" "$work/resolv.conf"
tarball=$(find "$(docker volume inspect -f '{{.Mountpoint}}' $id-cache)" -name rootfs.tar.xz | head -1)
[ -n "$tarball" ] || { echo "docker-start: no cached rootfs.tar.xz" >&2; exit 1; }
docker rm -f -v $id-w >/dev/null

# the raw runs: bridge like the runtime (eth0 into lxcat0, eth0 gets another MAC, the container takes its MAC and
# address from the config and the rootfs), then lxc-start in the foreground
cat > "$work/raw.sh" <<'SH'
#!/bin/bash
set -e
ct=/var/lib/lxcatastrophe/containers/benchct
grep -q '^root:100000:65536' /etc/subuid || { echo root:100000:65536 >> /etc/subuid; echo root:100000:65536 >> /etc/subgid; }
ip addr flush dev eth0
ip link set eth0 down
ip link set eth0 address 7e:00:00:00:be:01
ip link add lxcat0 type bridge
ip link set eth0 master lxcat0
ip link set eth0 up
ip link set lxcat0 up
if [ "$1" = cold ]; then
  rm -rf "$ct"; mkdir -p "$ct/rootfs"; chmod 711 "$ct" /var/lib/lxcatastrophe/containers
  chown 100000:100000 "$ct/rootfs"
  lxc-usernsexec -m b:0:100000:65536 -- tar -C "$ct/rootfs" --numeric-owner -I 'xz -T2' -xf /bench/rootfs.tar.xz --exclude='./dev/*'
  cp /bench/interfaces "$ct/rootfs/etc/network/interfaces"
  rm -f "$ct/rootfs/etc/resolv.conf"; cp /bench/resolv.conf "$ct/rootfs/etc/resolv.conf"
  cp /bench/config "$ct/config"
fi
exec lxc-start -F -P /var/lib/lxcatastrophe/containers -n benchct -l WARN -o /dev/stderr
SH
chmod +x "$work/raw.sh"
cp "$tarball" "$work/rootfs.tar.xz"

cold=() warm=() rawc=() raww=() rss_cold=() rss_warm=()
for r in $(seq 1 "$rounds"); do
  docker volume rm -f $id-ct >/dev/null; docker volume create $id-ct >/dev/null
  t0=$(now_ms)
  docker run -d --name $id-w "${common[@]}" -v $id-ct:/var/lib/lxcatastrophe -v $id-cache:/var/cache/lxcatastrophe "$image" >/dev/null
  t1=$(banner $id-w) || { docker logs --tail 20 $id-w; exit 1; }
  cold+=($(( t1 - t0 ))); sleep 3; rss_cold+=($(rss_kb $id-w))
  docker stop $id-w >/dev/null
  t0=$(now_ms); docker start $id-w >/dev/null; t1=$(banner $id-w) || { docker logs --tail 20 $id-w; exit 1; }
  warm+=($(( t1 - t0 ))); sleep 3; rss_warm+=($(rss_kb $id-w))
  [ -z "${LXCAT_BENCH_LOG:-}" ] || docker logs -t $id-w >"$LXCAT_BENCH_LOG" 2>&1
  docker stop $id-w >/dev/null; docker rm -v $id-w >/dev/null

  for mode in cold warm; do
    t0=$(now_ms)
    docker run -d --name $id-raw "${common[@]}" -v $id-ct:/var/lib/lxcatastrophe -v "$work:/bench:ro" \
      -v "$(command -v xz):/usr/local/bin/xz:ro" --entrypoint /bench/raw.sh "$image" $mode >/dev/null
    t1=$(banner $id-raw) || { docker logs --tail 20 $id-raw; exit 1; }
    if [ $mode = cold ]; then rawc+=($(( t1 - t0 ))); else raww+=($(( t1 - t0 ))); fi
    docker exec $id-raw lxc-stop -P /var/lib/lxcatastrophe/containers -n $name -t 8 >/dev/null 2>&1 || true
    docker rm -f -v $id-raw >/dev/null
  done
  printf 'round %d: cold %5d ms  raw cold %5d ms | warm %5d ms  raw warm %5d ms | wrapper RSS cold %d KiB, warm %d KiB\n' \
    "$r" "${cold[-1]}" "${rawc[-1]}" "${warm[-1]}" "${raww[-1]}" "${rss_cold[-1]}" "${rss_warm[-1]}"
done

mc=$(printf '%s\n' "${cold[@]}" | median) mrc=$(printf '%s\n' "${rawc[@]}" | median)
mw=$(printf '%s\n' "${warm[@]}" | median) mrw=$(printf '%s\n' "${raww[@]}" | median)
rc=$(printf '%s\n' "${rss_cold[@]}" | median) rw=$(printf '%s\n' "${rss_warm[@]}" | median)
echo
printf 'median of %d    lxcatastrophe   raw lxc   ratio   target\n' "$rounds"
printf 'cold start      %8d ms  %6d ms   %5s   <= 1.2\n' "$mc" "$mrc" "$(awk -v a="$mc" -v b="$mrc" 'BEGIN{printf "%.2f", a/b}')"
printf 'warm restart    %8d ms  %6d ms   %5s   <= 1.1\n' "$mw" "$mrw" "$(awk -v a="$mw" -v b="$mrw" 'BEGIN{printf "%.2f", a/b}')"
printf 'wrapper RSS while running: %.1f MiB after a cold start, %.1f MiB after a warm start (target <= 64 MiB)\n' \
  "$(awk -v k="$rc" 'BEGIN{print k/1024}')" "$(awk -v k="$rw" 'BEGIN{print k/1024}')"
