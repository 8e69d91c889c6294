package org.lxcatastrophe.image.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the image service (PID {@code org.lxcatastrophe.image}); environment: key upper-cased, dots to underscores. */
@ObjectClassDefinition(name = "lxcatastrophe image",
        description = "Which image to fetch, from where, how it is verified and cached.")
public @interface ImageConfig {

    @AttributeDefinition(name = "Distribution", description = "dist.name / DIST_NAME, as the images server names it (debian, ubuntu, alpine ...)")
    String dist_name() default "debian";

    @AttributeDefinition(name = "Release", description = "dist.flavour / DIST_FLAVOUR (alias DIST_RELEASE): bookworm, noble, 3.20 ...")
    String dist_flavour() default "bookworm";

    @AttributeDefinition(name = "Architecture", description = "dist.arch / DIST_ARCH; empty: the host's; else one of amd64, arm64, armel, armhf, i386, ppc64el, riscv64, s390x (aliases x86_64, aarch64, armv7l, i686, ppc64le accepted)")
    String dist_arch() default "";

    @AttributeDefinition(name = "Variant", description = "dist.variant / DIST_VARIANT: default, cloud ...")
    String dist_variant() default "default";

    @AttributeDefinition(name = "Images server", description = "image.server / IMAGE_SERVER: https:// URL, or http:// / file:// when set explicitly")
    String image_server() default "https://images.linuxcontainers.org";

    @AttributeDefinition(name = "Protocol", description = "image.protocol / IMAGE_PROTOCOL: auto (what the server offers), lxc (meta/1.0 index), simplestreams")
    String image_protocol() default "auto";

    @AttributeDefinition(name = "Index", description = "image.index / IMAGE_INDEX: system or user (LXC index only)")
    String image_index() default "system";

    @AttributeDefinition(name = "Cache directory", description = "image.cache / IMAGE_CACHE: <cache>/<dist>/<release>/<arch>/<variant>/")
    String image_cache() default "/var/cache/lxcatastrophe/download";

    @AttributeDefinition(name = "Use the cache only", description = "image.cache.force / IMAGE_CACHE_FORCE: never ask the server when a build is cached")
    boolean image_cache_force() default false;

    @AttributeDefinition(name = "Flush the cache", description = "image.cache.flush / IMAGE_CACHE_FLUSH: drop the cached build and download again")
    boolean image_cache_flush() default false;

    @AttributeDefinition(name = "GPG check", description = "image.gpg / IMAGE_GPG: off, auto (check .asc signatures when a keyring is set and the server has them), required")
    String image_gpg() default "auto";

    @AttributeDefinition(name = "GPG keyring", description = "image.gpg.keyring / IMAGE_GPG_KEYRING: public keyring file (binary or ASCII-armoured) trusted for image signatures; the first check installs the OpenPGP verifier of features/openpgp/")
    String image_gpg_keyring() default "";

    @AttributeDefinition(name = "Download timeout", description = "image.download.timeout / IMAGE_DOWNLOAD_TIMEOUT: seconds without progress before a try fails")
    int image_download_timeout() default 60;

    @AttributeDefinition(name = "Download tries", description = "image.download.tries / IMAGE_DOWNLOAD_TRIES: attempts per file (resumed where possible)")
    int image_download_tries() default 3;
}
