package org.lxcatastrophe.api.ssh;

import java.util.List;

import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.rootfs.RootfsWriter;

/** Collects the configured authorized keys and deploys them into a container. */
public interface SshKeyService {

    /** The validated keys from every configured source (environment, file, URL, configuration). */
    List<AuthorizedKey> configuredKeys() throws LxcatException;

    /**
     * Writes the keys into the configured user's {@code ~/.ssh/authorized_keys} inside the rootfs.
     *
     * @return how many keys the file holds afterwards
     */
    int deploy(List<AuthorizedKey> keys, RootfsWriter rootfs) throws LxcatException;
}
