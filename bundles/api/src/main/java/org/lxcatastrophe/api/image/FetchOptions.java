package org.lxcatastrophe.api.image;

/**
 * How to treat the cache on a fetch.
 *
 * @param forceCache use the cached build without asking the server (fails if nothing is cached)
 * @param flushCache drop the cached build and download again
 */
public record FetchOptions(boolean forceCache, boolean flushCache) {
    public static final FetchOptions DEFAULT = new FetchOptions(false, false);
}
