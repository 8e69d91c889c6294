#!/usr/bin/env bash
# Start-to-shell-ready time and idle resident memory of the distribution, side by side with a plain Felix:
#   runtime : bin/lxcatastrophe (launcher, bundle/ core set, etc/ and deploy/ watchers, our components and the six
#             distro plugins from deploy/)                         -> `bin/lxcat-shell lxcat:status` answers
#   runtime+cds : the same with the class data sharing archive bin/lxcat-cds writes (what an image built with it runs)
#   plain   : felix.main's own Main with the Felix/OSGi bundles of the same bundle/ (SCR, Config Admin, metatype, log,
#             FileInstall, Gogo runtime/shell/command, DS/promise/function APIs) and none of ours
#                                                                   -> Gogo has run its start script (echo)
# All with the JVM flags of bin/lxcatastrophe (read from the script, so they stay the same). RSS is read from
# /proc/PID/status after the process has been idle for LXCAT_BENCH_IDLE seconds (default 3); CPU is the process's
# user+system time when its shell answered (steadier than wall time on a busy machine). Prints every round, the
# medians and the ratios (targets: <= 1.1x plain Felix, RSS <= 64 MiB, shell ready <= 0.8 s).
#
#   bench/foundation.sh [ROUNDS]     (default 5)
#   LXCAT_DIST=dir                   the assembled distribution (default distribution/target/lxcatastrophe)
#
# SAFETY: the runtime runs with container autostart off (environment and etc/) and a network interface name that does
# not exist, so it never starts a container nor touches an interface of this machine.
set -euo pipefail
# Every variant runs in a network namespace of its own with only loopback: whatever a runtime did, it has no interface
# of this machine to take over (the "plain Felix, same bundles" variant has no etc/ safety settings before its config
# bundle applies the environment).
if [ -z "${LXCAT_BENCH_NETNS:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "foundation: run as root (it runs in a network namespace of its own)" >&2; exit 1; }
  exec unshare -n env LXCAT_BENCH_NETNS=1 "$0" "$@"
fi
ip link set lo up
rounds=${1:-5}
idle=${LXCAT_BENCH_IDLE:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
dist=${LXCAT_DIST:-$repo/distribution/target/lxcatastrophe}
[ -x "$dist/bin/lxcatastrophe" ] || { echo "foundation: no distribution at $dist (run mvn -B verify first)" >&2; exit 1; }
command -v java >/dev/null || { echo "foundation: no java on PATH" >&2; exit 1; }

work=$(mktemp -d /tmp/foundation-bench.XXXXXX)
pid=""
cleanup() {
  set +e
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

# the runtime: a copy of the distribution, made safe
cp -a "$dist" "$work/runtime"
rt=$work/runtime
rm -rf "$rt/data"; mkdir -p "$rt/data"
sed -i 's/^container.autostart *=.*/container.autostart = false/' "$rt/etc/org.lxcatastrophe.lifecycle.cfg"
sed -i "s|^container.path *=.*|container.path = $work/containers|" "$rt/etc/org.lxcatastrophe.lifecycle.cfg"
sed -i 's/^network.interfaces *=.*/network.interfaces = lxcat-none0/' "$rt/etc/org.lxcatastrophe.network.cfg"
export CONTAINER_AUTOSTART=false NETWORK_INTERFACES=lxcat-none0 SHELL_PORT=0

# the plain Felix: the same felix.main, the Felix/OSGi bundles of bundle/, Gogo saying when it runs commands
pl=$work/plain
mkdir -p "$pl/bundle" "$pl/conf" "$pl/watched"
for jar in "$dist"/bundle/*.jar; do
  bsn=$(unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r' | sed -n 's/^Bundle-SymbolicName: *\([^;]*\).*/\1/p')
  case "$bsn" in org.apache.felix.*|org.osgi.*|org.osgi:*) cp "$jar" "$pl/bundle/" ;; esac
done
# conf/config.properties of a plain Felix in folder $1 (bundle/ auto-deployed, a fresh cache); $2…: more lines
plain_conf() {
  local dir=$1; shift
  { printf '%s\n' "org.osgi.framework.storage=$dir/cache" "org.osgi.framework.storage.clean=onFirstInit" \
      "felix.auto.deploy.dir=$dir/bundle" "felix.auto.deploy.action=install,start" \
      "felix.fileinstall.dir=$dir/watched" "felix.fileinstall.tmpdir=$dir/tmp" "$@"; } > "$dir/conf/config.properties"
}
plain_conf "$pl" 'gosh.args=--nointeractive --noshutdown -c "echo SHELL-READY"'
felix_main=$(ls "$dist"/lib/org.apache.felix.main-*.jar)

# plain Felix with the same core bundle set: felix.main's own Main auto-deploying every jar of bundle/ and deploy/
# (ours included), no launcher of ours, no start levels, no etc/ watcher
ps=$work/plain-same
mkdir -p "$ps/bundle" "$ps/conf" "$ps/data" "$ps/watched"
cp "$dist"/bundle/*.jar "$dist"/deploy/*.jar "$ps/bundle/"
plain_conf "$ps" "lxcatastrophe.home=$ps" "gosh.args=--nointeractive --noshutdown"
export CONTAINER_PATH=$work/containers IMAGE_CACHE=$work/image-cache

# the JVM flags bin/lxcatastrophe uses
eval "$(sed -n '/^default_opts=(/,/^)/p' "$dist/bin/lxcatastrophe")"

now_ms() { date +%s%3N; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"; }

# the process $pid started at $1 (ms), logging to $3: waits until the command $2 succeeds, then prints
# "ms rss-kib cpu-ms" (RSS after $idle seconds) and stops it
measure() {
  local t0=$1 ready=$2 log=$3 t1 cpu
  until $ready; do
    kill -0 "$pid" 2>/dev/null || { echo "foundation: $log: the process ended:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(now_ms); cpu=$(cpu_ms "$pid")
  sleep "$idle"
  echo "$((t1 - t0)) $(rss_kib "$pid") $cpu"
  kill -TERM "$pid"; wait "$pid" || true; pid=""
}

runtime_ready() { [ -s "$rt/data/shell.port" ] && "$rt/bin/lxcat-shell" lxcat:status >/dev/null 2>&1; }
run_runtime() {   # $1: 0 without, 1 with the CDS archive
  rm -f "$rt/data/shell.port"
  local t0
  : >"$work/runtime.log"
  t0=$(now_ms)
  LXCAT_CDS=$1 "$rt/bin/lxcatastrophe" >"$work/runtime.log" 2>&1 &
  pid=$!
  measure "$t0" runtime_ready "$work/runtime.log"
}

# felix.main's own Main in folder $1 (its conf/config.properties), until the command $2 succeeds: "ms rss-kib cpu-ms"
run_felix() {
  local dir=$1 ready=$2 t0
  : >"$dir.log"
  t0=$(now_ms)
  (cd "$dir" && exec java "${default_opts[@]}" -Dfelix.config.properties="file:$dir/conf/config.properties" \
      -jar "$felix_main" >"$dir.log" 2>&1) &
  pid=$!
  measure "$t0" "$ready" "$dir.log"
}
plain_ready() { grep -q SHELL-READY "$pl.log" 2>/dev/null; }
plain_same_ready() {
  [ -s "$ps/data/shell.port" ] && SHELL_PORT=$(cat "$ps/data/shell.port") "$rt/bin/lxcat-shell" lxcat:status >/dev/null 2>&1
}
run_plain() { run_felix "$pl" plain_ready; }
run_plain_same() { rm -f "$ps/data/shell.port"; run_felix "$ps" plain_same_ready; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

"$rt/bin/lxcat-cds" >/dev/null
echo "JVM flags: ${default_opts[*]}"
echo "runtime bundles: $(ls "$rt"/bundle/*.jar | wc -l) in bundle/, $(ls "$rt"/deploy/*.jar 2>/dev/null | wc -l) in deploy/;" \
     "plain Felix bundles: $(ls "$pl"/bundle/*.jar | wc -l); idle ${idle} s before RSS"
run_plain >/dev/null; run_runtime 0 >/dev/null; run_plain_same >/dev/null   # warm the page cache
mib() { echo "$1/1024" | bc -l; }
printf '%-6s | %21s | %21s | %21s | %21s\n' "" "runtime" "runtime+cds" "plain Felix, same set" "plain Felix, Felix only"
printf '%-6s | %6s %6s %7s | %6s %6s %7s | %6s %6s %7s | %6s %6s %7s\n' round ms cpu-ms RSS-MiB ms cpu-ms RSS-MiB ms cpu-ms RSS-MiB ms cpu-ms RSS-MiB
: >"$work/r.txt"; : >"$work/c.txt"; : >"$work/p.txt"; : >"$work/s.txt"
for i in $(seq 1 "$rounds"); do
  read -r rms rkib rcpu < <(run_runtime 0)
  read -r cms ckib ccpu < <(run_runtime 1)
  read -r pms pkib pcpu < <(run_plain)
  read -r sms skib scpu < <(run_plain_same)
  echo "$rms $rkib $rcpu" >>"$work/r.txt"; echo "$cms $ckib $ccpu" >>"$work/c.txt"; echo "$pms $pkib $pcpu" >>"$work/p.txt"
  echo "$sms $skib $scpu" >>"$work/s.txt"
  printf '%-6s | %6s %6s %7.1f | %6s %6s %7.1f | %6s %6s %7.1f | %6s %6s %7.1f\n' "$i" "$rms" "$rcpu" "$(mib "$rkib")" \
    "$cms" "$ccpu" "$(mib "$ckib")" "$sms" "$scpu" "$(mib "$skib")" "$pms" "$pcpu" "$(mib "$pkib")"
done
col() { cut -d' ' -f"$2" "$work/$1.txt" | median; }
rms=$(col r 1); rkib=$(col r 2); rcpu=$(col r 3)
cms=$(col c 1); ckib=$(col c 2); ccpu=$(col c 3)
pms=$(col p 1); pkib=$(col p 2); pcpu=$(col p 3)
sms=$(col s 1); skib=$(col s 2); scpu=$(col s 3)
printf '%-6s | %6s %6s %7.1f | %6s %6s %7.1f | %6s %6s %7.1f | %6s %6s %7.1f\n' median "$rms" "$rcpu" "$(mib "$rkib")" \
  "$cms" "$ccpu" "$(mib "$ckib")" "$sms" "$scpu" "$(mib "$skib")" "$pms" "$pcpu" "$(mib "$pkib")"
ratio() { printf '%.2f' "$(echo "$1/$2" | bc -l)"; }
echo "ratio to plain Felix with the same core set (target <= 1.1): runtime start $(ratio "$rms" "$sms")x cpu $(ratio "$rcpu" "$scpu")x RSS $(ratio "$rkib" "$skib")x;" \
     "runtime+cds start $(ratio "$cms" "$sms")x cpu $(ratio "$ccpu" "$scpu")x RSS $(ratio "$ckib" "$skib")x"
echo "ratio to plain Felix with the Felix bundles only: runtime start $(ratio "$rms" "$pms")x cpu $(ratio "$rcpu" "$pcpu")x RSS $(ratio "$rkib" "$pkib")x;" \
     "runtime+cds start $(ratio "$cms" "$pms")x cpu $(ratio "$ccpu" "$pcpu")x RSS $(ratio "$ckib" "$pkib")x"
printf 'absolute (targets: shell ready <= 800 ms, RSS <= 64 MiB): runtime %s ms %.1f MiB; runtime+cds %s ms %.1f MiB\n' \
  "$rms" "$(mib "$rkib")" "$cms" "$(mib "$ckib")"
