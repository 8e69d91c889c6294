package org.lxcatastrophe.sshkeys;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(id = SshKeyDeployer.PID, name = "lxcatastrophe SSH keys",
        description = "Which public keys may log in to the system container, and as whom.")
@interface SshKeysConfig {

    @AttributeDefinition(name = "ssh.authorized.keys", required = false,
            description = "authorized_keys lines (one or more, newline separated). Env: SSH_AUTHORIZED_KEYS.")
    String ssh_authorized_keys() default "";

    @AttributeDefinition(name = "ssh.authorized.keys.file", required = false,
            description = "A file of authorized_keys lines on the wrapper, e.g. a Docker secret. Env: SSH_AUTHORIZED_KEYS_FILE.")
    String ssh_authorized_keys_file() default "";

    @AttributeDefinition(name = "ssh.authorized.keys.url", required = false,
            description = "An https URL serving authorized_keys lines, e.g. a code forge's <user>.keys."
                    + " Plain http only for loopback addresses. Env: SSH_AUTHORIZED_KEYS_URL.")
    String ssh_authorized_keys_url() default "";

    @AttributeDefinition(name = "ssh.user", description = "The container user whose ~/.ssh/authorized_keys gets the keys. Env: SSH_USER.")
    String ssh_user() default "root";

    @AttributeDefinition(name = "ssh.keys.policy", description = "merge: add to the keys already there (no duplicates);"
            + " replace: the file holds exactly the configured keys. Env: SSH_KEYS_POLICY.",
            options = { @Option(label = "merge", value = "merge"), @Option(label = "replace", value = "replace") })
    String ssh_keys_policy() default "merge";

    @AttributeDefinition(name = "ssh.keys.url.timeout", description = "Seconds to wait for ssh.authorized.keys.url. Env: SSH_KEYS_URL_TIMEOUT.")
    int ssh_keys_url_timeout() default 10;

    @AttributeDefinition(name = "ssh.keys.url.max.bytes", description = "Largest response accepted from ssh.authorized.keys.url. Env: SSH_KEYS_URL_MAX_BYTES.")
    int ssh_keys_url_max_bytes() default 65536;
}
