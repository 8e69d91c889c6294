#!/usr/bin/env bash
# Makes sure the Docker engine has the Dockerfile's base image (debian:bookworm-slim). Tries a pull first; where no
# registry is reachable, builds an equivalent base with debootstrap (minbase) and `docker import`s it.
set -euo pipefail
image=${1:-debian:bookworm-slim}
docker image inspect "$image" >/dev/null 2>&1 && { echo "$image present"; exit 0; }
if timeout 60 docker pull -q "$image" >/dev/null 2>&1; then echo "$image pulled"; exit 0; fi
[ "$(id -u)" = 0 ] || { echo "docker-base-image: must run as root (debootstrap)" >&2; exit 1; }
mirror=${DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit} /^deb /{print $2; exit}' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1)}
mirror=${mirror:-http://deb.debian.org/debian}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "no registry: building $image with debootstrap from $mirror ..."
debootstrap --variant=minbase bookworm "$work/root" "$mirror" >"$work/log" 2>&1 || { tail -20 "$work/log" >&2; exit 1; }
# Same apt sources as the host (a mirror reachable from here), and no leftovers.
cp /etc/apt/sources.list.d/debian.sources "$work/root/etc/apt/sources.list.d/" 2>/dev/null && rm -f "$work/root/etc/apt/sources.list" || true
rm -rf "$work/root"/var/cache/apt/archives/*.deb "$work/root"/var/lib/apt/lists/*
tar -C "$work/root" --numeric-owner -c . | docker import - "$image" >/dev/null
echo "$image imported"
