#!/usr/bin/env bash
# Installs and starts what the build and the test suites need on a Debian bookworm host, as root:
# LXC and its id-mapping helpers, debootstrap (test images), the distros' network tools (format validation),
# the Docker engine (end-to-end suite), GnuPG (signatures for the OpenPGP checks). Idempotent: a prepared host is left as it is.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "prepare-host: must run as root (apt-get, dockerd)" >&2; exit 1; }
packages=(lxc uidmap debootstrap iproute2 bridge-utils xz-utils tini netplan.io ifupdown docker.io openssh-client
          python3 curl iputils-ping attr gpg gpg-agent)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "prepare-host: installing ${missing[*]}"
  apt-get update -qq
  NEEDRESTART_SUSPEND=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v java >/dev/null && command -v mvn >/dev/null || { echo "prepare-host: needs Java 17 and Maven on the PATH" >&2; exit 1; }

# Docker engine: start dockerd in the background when nothing answers.
if ! docker info >/dev/null 2>&1; then
  echo "prepare-host: starting dockerd"
  mkdir -p /var/log
  nohup dockerd >/var/log/lxcatastrophe-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "prepare-host: dockerd did not start; see /var/log/lxcatastrophe-dockerd.log" >&2; tail -5 /var/log/lxcatastrophe-dockerd.log >&2; exit 1; }
fi
echo "prepare-host: ready (lxc $(lxc-start --version), $(docker version --format 'docker {{.Server.Version}}'))"
