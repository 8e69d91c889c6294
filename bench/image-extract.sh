#!/usr/bin/env bash
# Extraction of the testbed image's rootfs.tar.xz with the id shift, side by side on the same file:
#   bundle : the image bundle's extractor (commons-compress, the xz program or else XZ for Java decompressing, the
#            shift in-process), in a JVM
#   tar    : lxc-usernsexec -m b:0:100000:65536 -- tar --numeric-owner --xattrs-include='*' -xpJf  (the baseline)
#   floor  : xz -dc >/dev/null  (decompression only)
# Device nodes are excluded from both extractions (the image's excludes-user list).
# Every extraction goes to a fresh ext4 file system (a loop device over a sparse file next to the work directory,
# made before the clock starts), as a container's first extraction into a new volume would: on a file system that
# earlier runs filled and emptied, ext4's inode allocator skips every recently deleted inode (`recently_deleted`,
# for up to five minutes after the deletion), which here turned 2.5 s extractions into ≈ 7 s (≈ 6 s of it system time) for either
# tool. Without loop devices (or with LXCAT_BENCH_DIR) each extraction gets a fresh directory instead. Nothing is
# removed before the end: on ext4 mounted with `discard`, freeing a tree costs seconds of the next run's time.
# Prints every round, the medians, the ratios (target: bundle <= 0.8 x tar) and the bundle's peak heap.
#
#   bench/image-extract.sh [ROUNDS]     (default 4, an even number so each goes first as often; as root; needs lxc (lxc-usernsexec), uidmap, xz-utils, maven, java)
#   LXCAT_BENCH_VARIANT=netplan         the testbed image variant (default: default)
#   LXCAT_BENCH_XMX=48m                 a heap limit for the bundle's JVM (default: the runtime's own, -Xmx96m)
# The bundle's JVM runs with the flags bin/lxcatastrophe gives the runtime (read from the script), as in production.
#   LXCAT_BENCH_DIR=/dev/shm            extract into fresh directories there instead (e.g. a tmpfs to leave the disk out of it)
set -euo pipefail
rounds=${1:-4}
repo=$(cd "$(dirname "$0")/.." && pwd)
variant=${LXCAT_BENCH_VARIANT:-default}
# the JVM flags bin/lxcatastrophe uses (default_opts), then the optional heap limit
eval "$(sed -n '/^default_opts=(/,/^)/p' "$repo/distribution/src/main/dist/bin/lxcatastrophe")"
[ -z "${LXCAT_BENCH_XMX:-}" ] || default_opts+=(-Xmx"$LXCAT_BENCH_XMX")
xmx=$(printf '%s\n' "${default_opts[@]}" | sed -n 's/^-Xmx//p' | tail -1)
[ "$(id -u)" = 0 ] || { echo "image-extract: run as root" >&2; exit 1; }
for t in lxc-usernsexec xz tar mvn java; do
  command -v "$t" >/dev/null || { echo "image-extract: $t missing (testbed/prepare-host.sh installs it)" >&2; exit 1; }
done
"$repo/testbed/build-test-image.sh" "$variant" >/dev/null
arch=$(dpkg --print-architecture)
image=$(ls -d "${LXCAT_TESTBED_CACHE:-$HOME/.cache/lxcatastrophe-testbed}/server/images/debian/bookworm/$arch/$variant"/*/ | tail -1)

work=$(mktemp -d "${LXCAT_BENCH_DIR:-/tmp}/image-extract-bench.XXXXXX")
chmod 711 "$work"
cp /etc/subuid "$work/subuid.orig"; cp /etc/subgid "$work/subgid.orig"
mounts=()
cleanup() {
  set +e
  cp "$work/subuid.orig" /etc/subuid; cp "$work/subgid.orig" /etc/subgid
  for m in "${mounts[@]}"; do umount "$m"; done   # the loop devices go with them (mount -o loop sets autoclear)
  rm -rf --one-file-system "$work"
  sync   # the next run (of this or another bench) should not pay for freeing these trees
}
trap cleanup EXIT
# lxc-usernsexec maps through newuidmap: root needs the range in /etc/subuid and /etc/subgid (restored at exit)
grep -q '^root:100000:65536$' /etc/subuid || echo root:100000:65536 >> /etc/subuid
grep -q '^root:100000:65536$' /etc/subgid || echo root:100000:65536 >> /etc/subgid

# a copy the mapped root can read (the cache under ~root is 0700; a ':' in the path would make tar think of a remote host)
tarxz=$work/rootfs.tar.xz
cp "$image/rootfs.tar.xz" "$tarxz"; chmod 644 "$tarxz"
tar -xJOf "$image/meta.tar.xz" --force-local ./excludes-user > "$work/excludes" 2>/dev/null || : > "$work/excludes"

echo "building the image bundle's test classes ..." >&2
( cd "$repo" && mvn -B -q -o -pl bundles/image -am test-compile -DskipTests >/dev/null \
  && mvn -B -q -o -pl bundles/image dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp" >/dev/null )
cp="$repo/bundles/image/target/classes:$repo/bundles/image/target/test-classes:$(cat "$work/cp")"

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
# median [FORMAT] of the numbers on stdin (the mean of the middle two for an even count); FORMAT defaults to %d
median() { tr ' ' '\n' | sort -n | awk -v f="${1:-%d}" '{a[NR]=$1} END {m=int((NR+1)/2); printf f "\n", (NR % 2) ? a[m] : (a[m]+a[m+1])/2}'; }

# fresh NAME: sets $dir to a new empty directory to extract into, on a file system of its own when loop devices work
use_loop=false
if [ -z "${LXCAT_BENCH_DIR:-}" ] && command -v mkfs.ext4 >/dev/null && losetup -f >/dev/null 2>&1; then use_loop=true; fi
fresh() {
  local m=$work/$1
  mkdir "$m"
  if $use_loop; then
    truncate -s 2G "$m.img"
    # inode tables and journal written now, not by a background thread while the clock runs
    mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0,nodiscard "$m.img"
    mount -o loop "$m.img" "$m"; mounts+=("$m")
    sync   # mkfs's writes reach the disk before the clock starts
  fi
  dir=$m/rootfs; mkdir "$dir"
}

b_all=() b_in=() t_all=() f_all=() r_all=() heap=0 out= inner=
run_tar() {
  local d s e
  fresh "tar-$r"; d=$dir; chown 100000:100000 "$d"
  s=$(now)
  lxc-usernsexec -m b:0:100000:65536 -- tar -C "$d" --numeric-owner --xattrs-include='*' --exclude-from="$work/excludes" -xpJf "$tarxz"
  e=$(now); t_all+=("$(ms "$s" "$e")")
  sync
}
run_bundle() {
  local d s e h
  fresh "bundle-$r"; d=$dir
  s=$(now)
  out=$(java "${default_opts[@]}" -cp "$cp" org.lxcatastrophe.image.internal.ExtractBench "$tarxz" "$d" 100000 "$work/excludes")
  e=$(now); b_all+=("$(ms "$s" "$e")")
  inner=$(sed -n 's/.*wall_ms=\([0-9]*\).*/\1/p' <<<"$out"); b_in+=("$inner")
  h=$(sed -n 's/.*peak_heap_mb=\([0-9]*\).*/\1/p' <<<"$out"); [ "$h" -gt "$heap" ] && heap=$h
  sync
}

printf 'image %s (%s compressed); extracting into %s\n' "$image" "$(du -h "$tarxz" | cut -f1)" \
  "$($use_loop && echo "a fresh ext4 file system each time (loop device on $(df --output=source "$work" | tail -1))" || echo "fresh directories in $work")"
# a warm-up extraction that is not counted: the first writes after large deletions make ext4 set up its block
# allocator again (seconds of system time here, paid by whichever extractor writes first)
r=0; run_tar; t_all=()
for r in $(seq 1 "$rounds"); do
  sync
  s=$(now); xz -dc "$tarxz" >/dev/null; e=$(now); f_all+=("$(ms "$s" "$e")")

  # the two extractions take turns going first: whichever runs first in a round pays for what the disk still has to
  # do for earlier deletions and writes (the order alone moved a run by up to 1.5 s here)
  if [ $((r % 2)) = 1 ]; then run_tar; run_bundle; else run_bundle; run_tar; fi
  r_all+=("$(awk -v a="${b_all[-1]}" -v b="${t_all[-1]}" 'BEGIN{printf "%.2f", a/b}')")
  printf 'round %d (%s first): xz -dc %5d ms   lxc-usernsexec tar %5d ms   bundle %5d ms (extraction %5d ms; the rest is the JVM start)   x tar %s   %s\n' \
    "$r" "$([ $((r % 2)) = 1 ] && echo tar || echo bundle)" "${f_all[-1]}" "${t_all[-1]}" "${b_all[-1]}" "$inner" \
    "${r_all[-1]}" "$out"
done
F=$(echo "${f_all[*]}" | median); T=$(echo "${t_all[*]}" | median); B=$(echo "${b_all[*]}" | median); I=$(echo "${b_in[*]}" | median)
echo
printf '%-44s %8s %14s %14s\n' "median of $rounds" "ms" "x tar" "x xz -dc"
printf '%-44s %8d %14s %14s\n' "xz -dc >/dev/null (floor)" "$F" "$(awk -v a="$F" -v b="$T" 'BEGIN{printf "%.2f", a/b}')" "1.00"
printf '%-44s %8d %14s %14s\n' "lxc-usernsexec tar -xpJf (baseline)" "$T" "1.00" "$(awk -v a="$T" -v b="$F" 'BEGIN{printf "%.2f", a/b}')"
printf '%-44s %8d %14s %14s\n' "bundle, whole JVM process" "$B" "$(awk -v a="$B" -v b="$T" 'BEGIN{printf "%.2f", a/b}')" "$(awk -v a="$B" -v b="$F" 'BEGIN{printf "%.2f", a/b}')"
printf '%-44s %8d %14s %14s\n' "bundle, extraction only (in a running JVM)" "$I" "$(awk -v a="$I" -v b="$T" 'BEGIN{printf "%.2f", a/b}')" "$(awk -v a="$I" -v b="$F" 'BEGIN{printf "%.2f", a/b}')"
echo "bundle / tar in the same round (median of the $rounds rounds' ratios): $(echo "${r_all[*]}" | median %.2f)"
echo "bundle peak heap: $heap MB (limit -Xmx$xmx)"
ratio=$(awk -v a="$B" -v b="$T" 'BEGIN{print (a <= 0.8*b) ? "met" : "MISSED"}')
echo "target bundle <= 0.8 x tar (whole process): $ratio"
