#!/usr/bin/env bash
# Builds a real Debian image with debootstrap and lays it out exactly like an LXC images server
# (meta/1.0/index-system, images/<dist>/<release>/<arch>/<variant>/<build>/{rootfs,meta}.tar.xz)
# plus a simplestreams view of the same image (streams/v1/index.json, images.json, incus.tar.xz).
#
#   testbed/build-test-image.sh [VARIANT]      VARIANT: default (ifupdown) | netplan
#
# Output: $LXCAT_TESTBED_CACHE/server (default ~/.cache/lxcatastrophe-testbed). Built once; later runs reuse it.
# Needs root, debootstrap, xz.
set -euo pipefail
variant=${1:-default}
cache=${LXCAT_TESTBED_CACHE:-$HOME/.cache/lxcatastrophe-testbed}
server=$cache/server
dist=debian release=bookworm arch=$(dpkg --print-architecture)
build=20261201_00:00
rel=images/$dist/$release/$arch/$variant/$build
out=$server/$rel
if [ -f "$out/rootfs.tar.xz" ] && [ -f "$out/meta.tar.xz" ]; then
  echo "test image $dist/$release/$arch/$variant already built: $out"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "build-test-image: must run as root (debootstrap)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "build-test-image: debootstrap missing (apt-get install debootstrap)" >&2; exit 1; }

mirror=${DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit} /^deb /{print $2; exit}' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1)}
mirror=${mirror:-http://deb.debian.org/debian}
include=systemd-sysv,iproute2,openssh-server,ifupdown,iputils-ping,dbus
[ "$variant" = netplan ] && include=systemd-sysv,iproute2,openssh-server,netplan.io,iputils-ping,dbus

mkdir -p "$cache"
work=$(mktemp -d "$cache/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
echo "debootstrap $release ($variant) from $mirror ..."
debootstrap --variant=minbase --include="$include" "$release" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }

# What distrobuilder does for the images-server images: templated hostname/hosts, DHCP on eth0, no machine-id.
rm -f "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*_Packages
echo LXC_NAME > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tLXC_NAME\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
: > "$root/etc/machine-id"
if [ "$variant" = netplan ]; then
  mkdir -p "$root/etc/netplan"
  printf 'network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n' > "$root/etc/netplan/10-lxc.yaml"
  chmod 600 "$root/etc/netplan/10-lxc.yaml"
  chroot "$root" systemctl enable systemd-networkd >/dev/null 2>&1 || true
else
  printf 'auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n' > "$root/etc/network/interfaces"
fi
echo "lxcatastrophe testbed image ($variant)" > "$root/etc/lxcat-testbed"

mkdir -p "$out" "$work/meta"
( cd "$root" && find ./dev -type c -o -type b ) | sort > "$work/meta/excludes-user"
cat > "$work/meta/config" <<CFG
lxc.include = LXC_TEMPLATE_CONFIG/debian.common.conf
lxc.arch = $arch
CFG
cat > "$work/meta/config-user" <<CFG
lxc.include = LXC_TEMPLATE_CONFIG/debian.common.conf
lxc.include = LXC_TEMPLATE_CONFIG/debian.userns.conf
lxc.arch = $arch
CFG
printf '/etc/hostname\n/etc/hosts\n' > "$work/meta/templates"
echo $(( $(date +%s) + 30*86400 )) > "$work/meta/expiry"
echo "You just created a Debian $release $arch ($build) container (lxcatastrophe testbed)." > "$work/meta/create-message"

echo "packing rootfs.tar.xz ..."
tar -C "$root" --numeric-owner --xattrs --xattrs-include='*' -cf - . | xz -T2 -3 > "$work/rootfs.tar.xz"
tar -C "$work/meta" --numeric-owner -cf - . | xz -T2 > "$work/meta.tar.xz"

# simplestreams metadata tarball (Incus layout: metadata.yaml + templates/)
mkdir -p "$work/incus/templates"
cat > "$work/incus/metadata.yaml" <<YAML
architecture: $(uname -m)
creation_date: $(date +%s)
properties:
  description: Debian $release $arch ($build)
  os: Debian
  release: $release
  variant: $variant
templates:
  /etc/hostname:
    when: [create, copy]
    template: hostname.tpl
  /etc/hosts:
    when: [create, copy]
    template: hosts.tpl
YAML
echo '{{ container.name }}' > "$work/incus/templates/hostname.tpl"
printf '127.0.0.1\tlocalhost\n127.0.1.1\t{{ container.name }}\n' > "$work/incus/templates/hosts.tpl"
tar -C "$work/incus" --numeric-owner -cf - . | xz -T2 > "$work/incus.tar.xz"

( cd "$work" && sha256sum rootfs.tar.xz meta.tar.xz > SHA256SUMS )
mv "$work/incus.tar.xz" "$work/SHA256SUMS" "$out/"
mv "$work/meta.tar.xz" "$out/meta.tar.xz"
mv "$work/rootfs.tar.xz" "$out/rootfs.tar.xz"

# Index over every variant built so far (images-server protocol + simplestreams).
python3 - "$server" "$dist" "$release" "$arch" <<'PY'
import hashlib, json, os, sys
server, dist, release, arch = sys.argv[1:5]
base = os.path.join(server, "images", dist, release, arch)
lines, products = [], {}
for variant in sorted(os.listdir(base)):
    for build in sorted(os.listdir(os.path.join(base, variant))):
        d = os.path.join(base, variant, build)
        if not os.path.exists(os.path.join(d, "rootfs.tar.xz")):
            continue
        rel = f"/images/{dist}/{release}/{arch}/{variant}/{build}/"
        lines.append(f"{dist};{release};{arch};{variant};{build};{rel}")
        def item(name, ftype):
            p = os.path.join(d, name)
            h = hashlib.sha256(open(p, "rb").read()).hexdigest()
            return {"ftype": ftype, "path": rel.lstrip("/") + name, "sha256": h, "size": os.path.getsize(p)}
        key = f"{dist}:{release}:{arch}:{variant}"
        products[key] = {"aliases": f"{dist}/{release}/{variant}" + ("," + f"{dist}/{release}" if variant == "default" else ""),
                         "arch": arch, "os": dist.capitalize(), "release": release, "variant": variant,
                         "versions": {build: {"items": {"incus.tar.xz": item("incus.tar.xz", "incus.tar.xz"),
                                                        "root.tar.xz": item("rootfs.tar.xz", "root.tar.xz")}}}}
os.makedirs(os.path.join(server, "meta/1.0"), exist_ok=True)
for name in ("index-system", "index-system.7"):
    open(os.path.join(server, "meta/1.0", name), "w").write("\n".join(lines) + "\n")
os.makedirs(os.path.join(server, "streams/v1"), exist_ok=True)
json.dump({"format": "products:1.0", "datatype": "image-downloads", "content_id": "images", "products": products},
          open(os.path.join(server, "streams/v1/images.json"), "w"), indent=1)
json.dump({"format": "index:1.0", "index": {"images": {"datatype": "image-downloads", "path": "streams/v1/images.json",
          "format": "products:1.0", "products": sorted(products)}}}, open(os.path.join(server, "streams/v1/index.json"), "w"), indent=1)
PY
echo "test image ready: $out"
