# lxcatastrophe: an unprivileged LXC system container inside a Docker container.
#
# Build after `mvn -B package` (the image copies the assembled distribution, distribution/target/lxcatastrophe):
#   docker build -t lxcatastrophe .
# Run (see README for the flags of hosts that refuse --privileged):
#   docker run -d --privileged -v /sys/fs/cgroup:/sys/fs/cgroup:ro -e SSH_AUTHORIZED_KEYS="$(cat ~/.ssh/id_ed25519.pub)" lxcatastrophe
FROM debian:bookworm-slim

# lxc + uidmap: the unprivileged container (lxc-templates: the distributions' LXC configs the images include; attr:
# setfattr for file capabilities in the rootfs; xz-utils: the fast parallel xz decoder the image extraction pipes through); iproute2: bridges; tini: PID 1 (reaps orphans, forwards SIGTERM to the JVM);
# ca-certificates: https images servers; the Java runtime runs the OSGi runtime. No recommends: no dnsmasq, no lxcfs.
RUN set -eux; \
    mkdir -p /usr/share/man/man1; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        lxc lxc-templates uidmap iproute2 attr xz-utils tini ca-certificates openjdk-17-jre-headless; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log

COPY distribution/target/lxcatastrophe /opt/lxcatastrophe
COPY docker/enter docker/lxcat-health /usr/local/bin/

# The distro plugins the distribution ships move to plugins/ (a second FileInstall watcher), so deploy/ starts empty and
# can be a bind mount from the host: a bundle dropped there is installed while the container runs, and mounting an
# empty folder over it does not hide the built-in plugins.
RUN set -eux; \
    home=/opt/lxcatastrophe; \
    mkdir -p "$home/plugins" "$home/data"; \
    mv "$home"/deploy/*.jar "$home/plugins/"; \
    sed -e 's|/deploy$|/plugins|' -e 's|^# FileInstall watcher for deploy/.*|# FileInstall watcher for plugins/: the distro plugins built into the image.|' \
        "$home/etc/org.apache.felix.fileinstall-deploy.cfg" > "$home/etc/org.apache.felix.fileinstall-plugins.cfg"; \
    grep -q '/plugins$' "$home/etc/org.apache.felix.fileinstall-plugins.cfg"; \
    ln -s "$home/bin/lxcat-shell" /usr/local/bin/lxcat-shell; \
    ln -s "$home/bin/lxcatastrophe" /usr/local/bin/lxcatastrophe; \
    chmod 755 /usr/local/bin/enter /usr/local/bin/lxcat-health

# A class data sharing archive for this image's Java: the runtime starts faster (bin/lxcat-cds starts it once without a
# container, autostart off and no interface, until its shell answers).
RUN /opt/lxcatastrophe/bin/lxcat-cds && rm -rf /opt/lxcatastrophe/data/*

# The system container (rootfs, config, logs) and the downloaded images: keep them in volumes so `docker start`,
# `docker rm` + `docker run` with the same volume, and other containers reuse them without a new download.
VOLUME ["/var/lib/lxcatastrophe", "/var/cache/lxcatastrophe"]

# SSH of the system container (it takes over this container's address, so every published port reaches it).
EXPOSE 22

# Healthy only when the system container is RUNNING and holds its addresses.
HEALTHCHECK --interval=5s --timeout=10s --start-period=300s --retries=3 CMD ["/usr/local/bin/lxcat-health"]

# docker stop: SIGTERM -> tini -> JVM -> clean poweroff of the system container within CONTAINER_STOP_TIMEOUT (8 s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "/opt/lxcatastrophe/bin/lxcatastrophe"]
