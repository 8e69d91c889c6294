package org.lxcatastrophe.config.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.Test;
import org.lxcatastrophe.api.config.ConfigValue;
import org.osgi.service.metatype.AttributeDefinition;

/**
 * A private key pasted by mistake (into SSH_AUTHORIZED_KEYS, an etc file, any key) is never handed out as a value:
 * lxcat:config printed it in full.
 */
public class SecretValuesTest {

    static final String SSH = "org.lxcatastrophe.sshkeys";
    static final String BODY = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
            + "QyNTUxOQAAACBb2F6Y3cFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeAAAAJgc0fQd\n";

    private static EnvConfiguration ssh(Map<String, String> env) {
        EnvConfiguration c = new EnvConfiguration(env);
        c.configAdmin = EnvConfigurationTest.etcFiles(Map.of());
        Map<String, KeyInfo> keys = new TreeMap<>();
        keys.put("ssh.authorized.keys", new KeyInfo(SSH, "ssh.authorized.keys", AttributeDefinition.STRING, 0,
                List.of(""), List.of(), false, ""));
        keys.put("ssh.keys.url.timeout", new KeyInfo(SSH, "ssh.keys.url.timeout", AttributeDefinition.INTEGER, 0,
                List.of("10"), List.of(), false, ""));
        c.recordKeys(3, Map.of(SSH, keys));
        return c;
    }

    @Test
    public void privateKeysAreNeverShown() {
        for (String pasted : List.of(
                "-----BEGIN OPENSSH PRIVATE KEY-----\n" + BODY + "-----END OPENSSH PRIVATE KEY-----\n",
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn\n-----END RSA PRIVATE KEY-----",
                "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\nAAAAIFakeFake",
                BODY)) {   // the body alone, without its armour lines
            EnvConfiguration c = ssh(Map.of("SSH_AUTHORIZED_KEYS", pasted, "SSH_KEYS_URL_TIMEOUT", pasted));
            for (ConfigValue v : c.values()) {
                assertEquals(v.key(), EnvConfiguration.PRIVATE_KEY_HIDDEN, v.value());
                for (String line : pasted.split("\n")) {
                    String fragment = line.length() > 12 ? line.substring(4, 12) : line;
                    assertFalse(v.key() + " problem quotes the key", v.problem().contains(fragment));
                    assertFalse("the message quotes the key", EnvConfiguration.message(v).contains(fragment));
                }
            }
        }
    }

    @Test
    public void publicKeysAreShown() {
        String pub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBHkn7b7Gz2tK0c3Tz5pjXSwLr9mXb6n2W3K2bBq0c0V me@host";
        EnvConfiguration c = ssh(Map.of("SSH_AUTHORIZED_KEYS", pub));
        assertEquals(pub, c.values(SSH).get(0).value());
    }
}
