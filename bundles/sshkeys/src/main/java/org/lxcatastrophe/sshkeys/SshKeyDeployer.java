package org.lxcatastrophe.sshkeys;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

import org.lxcatastrophe.api.ConfigurationException;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.rootfs.RootfsWriter;
import org.lxcatastrophe.api.ssh.AuthorizedKey;
import org.lxcatastrophe.api.ssh.SshKeyService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Collects public keys from the environment, a file, a URL and the configuration, validates every line, and writes
 * them into the container user's {@code ~/.ssh/authorized_keys} through the rootfs writer (owned by the user's
 * mapped ids, 0700/0600 so that sshd's StrictModes accepts them).
 */
@Component(service = SshKeyService.class, configurationPid = SshKeyDeployer.PID)
@Designate(ocd = SshKeysConfig.class)
public class SshKeyDeployer implements SshKeyService {

    static final String PID = "org.lxcatastrophe.sshkeys";
    private static final Logger LOG = Logger.getLogger(SshKeyDeployer.class.getName());
    static final String USER_AGENT = "lxcatastrophe (ssh keys)";

    private volatile Settings settings;

    /** The validated configuration, or the first configuration error (reported when keys are asked for). */
    record Settings(String inline, String file, URI url, String user, boolean replace, Duration urlTimeout,
            int urlMaxBytes, ConfigurationException error) {
    }

    /**
     * An invalid setting at start-up fails the activation: the runtime ends with exit status 2 and the one line, before
     * anything is prepared (the other components do the same).
     */
    @Activate
    void activate(SshKeysConfig config) throws ConfigurationException {
        configure(config);
        if (settings.error() != null) {
            throw settings.error();
        }
    }

    /**
     * A change while the runtime runs never fails (SCR would deactivate the service and the lifecycle with it): an
     * invalid value is logged now and refused by the next container start.
     */
    @Modified
    void configure(SshKeysConfig config) {
        settings = settings(config);
        if (settings.error() != null && activated) {
            LOG.warning(settings.error().getMessage() + " (the next container start refuses it)");
        }
        activated = true;
    }

    private volatile boolean activated;

    static Settings settings(SshKeysConfig c) {
        try {
            String policy = c.ssh_keys_policy().strip();
            if (!policy.equals("merge") && !policy.equals("replace")) {
                throw new ConfigurationException("ssh.keys.policy", "ssh.keys.policy (SSH_KEYS_POLICY) is '" + policy
                        + "'; use merge or replace");
            }
            String user = c.ssh_user().strip();
            if (!user.matches("[a-z_][a-z0-9_.-]*\\$?")) {
                throw new ConfigurationException("ssh.user", "ssh.user (SSH_USER) '" + user
                        + "' is not a valid user name; use e.g. root");
            }
            if (c.ssh_keys_url_timeout() <= 0) {
                throw new ConfigurationException("ssh.keys.url.timeout",
                        "ssh.keys.url.timeout (SSH_KEYS_URL_TIMEOUT) must be a positive number of seconds");
            }
            if (c.ssh_keys_url_max_bytes() <= 0) {
                throw new ConfigurationException("ssh.keys.url.max.bytes",
                        "ssh.keys.url.max.bytes (SSH_KEYS_URL_MAX_BYTES) must be a positive number of bytes");
            }
            URI url = keysUrl(c.ssh_authorized_keys_url().strip());
            return new Settings(c.ssh_authorized_keys(), c.ssh_authorized_keys_file().strip(), url, user,
                    policy.equals("replace"), Duration.ofSeconds(c.ssh_keys_url_timeout()), c.ssh_keys_url_max_bytes(), null);
        } catch (ConfigurationException e) {
            return new Settings("", "", null, "root", false, Duration.ofSeconds(1), 1, e);
        }
    }

    private static URI keysUrl(String value) throws ConfigurationException {
        if (value.isEmpty()) {
            return null;
        }
        String key = "ssh.authorized.keys.url";
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(key, key + " (SSH_AUTHORIZED_KEYS_URL) is not a URL: " + e.getMessage());
        }
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(java.util.Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new ConfigurationException(key, key + " (SSH_AUTHORIZED_KEYS_URL) must be an https:// URL, e.g."
                    + " https://github.com/<user>.keys");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw new ConfigurationException(key, key + " (SSH_AUTHORIZED_KEYS_URL) uses plain http to " + uri.getHost()
                    + "; keys decide who may log in, so use https (plain http is accepted for loopback addresses only)");
        }
        return uri;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public List<AuthorizedKey> configuredKeys() throws LxcatException {
        Settings s = settings;
        if (s.error() != null) {
            throw s.error();
        }
        Set<AuthorizedKey> keys = new LinkedHashSet<>();
        try {
            keys.addAll(AuthorizedKeysParser.parse("SSH_AUTHORIZED_KEYS", s.inline()));
            if (!s.file().isEmpty()) {
                keys.addAll(AuthorizedKeysParser.parse("SSH_AUTHORIZED_KEYS_FILE " + s.file(), readFile(Path.of(s.file()))));
            }
            if (s.url() != null) {
                keys.addAll(AuthorizedKeysParser.parse("SSH_AUTHORIZED_KEYS_URL " + s.url(), fetch(s)));
            }
        } catch (AuthorizedKeysParser.InvalidKeyException e) {
            throw new LxcatException(e.getMessage());
        }
        return dedupe(new ArrayList<>(keys));
    }

    /** The largest SSH_AUTHORIZED_KEYS_FILE read (a few thousand keys); a bigger file is no keys file. */
    static final long MAX_FILE_BYTES = 1 << 20;

    static String readFile(Path file) throws LxcatException {
        try {
            if (Files.isDirectory(file)) {
                throw new LxcatException("SSH_AUTHORIZED_KEYS_FILE " + file + " is a directory; give the file of"
                        + " authorized_keys lines in it");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new LxcatException("SSH_AUTHORIZED_KEYS_FILE " + file + " has " + Files.size(file)
                        + " bytes, more than " + MAX_FILE_BYTES + "; that is not an authorized_keys file");
            }
            byte[] data;
            try (InputStream in = Files.newInputStream(file)) {
                data = in.readNBytes((int) MAX_FILE_BYTES + 1);   // it may grow while being read (a pipe, /dev/zero)
            }
            if (data.length > MAX_FILE_BYTES) {
                throw new LxcatException("SSH_AUTHORIZED_KEYS_FILE " + file + " has more than " + MAX_FILE_BYTES
                        + " bytes; that is not an authorized_keys file");
            }
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(data)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new LxcatException("SSH_AUTHORIZED_KEYS_FILE " + file + " is not text (not UTF-8); give the"
                        + " public keys, e.g. the .pub file");
            }
        } catch (NoSuchFileException e) {
            throw new LxcatException("SSH_AUTHORIZED_KEYS_FILE " + file + " does not exist; mount it (e.g. as a Docker"
                    + " secret) or unset SSH_AUTHORIZED_KEYS_FILE");
        } catch (IOException e) {
            throw new LxcatException("cannot read SSH_AUTHORIZED_KEYS_FILE " + file + ": " + e.getMessage());
        }
    }

    private static String fetch(Settings s) throws LxcatException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(s.urlTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest request = HttpRequest.newBuilder(s.url()).timeout(s.urlTimeout())
                .header("User-Agent", USER_AGENT).GET().build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new LxcatException("SSH_AUTHORIZED_KEYS_URL " + s.url() + " answered HTTP " + response.statusCode()
                            + "; check the URL (e.g. https://github.com/<user>.keys)");
                }
                byte[] data = body.readNBytes(s.urlMaxBytes() + 1);
                if (data.length > s.urlMaxBytes()) {
                    throw new LxcatException("SSH_AUTHORIZED_KEYS_URL " + s.url() + " sent more than " + s.urlMaxBytes()
                            + " bytes; that is not a keys file (raise ssh.keys.url.max.bytes if it really is)");
                }
                return new String(data, StandardCharsets.UTF_8);
            }
        } catch (java.net.http.HttpTimeoutException e) {
            throw new LxcatException("SSH_AUTHORIZED_KEYS_URL " + s.url() + " did not answer within "
                    + s.urlTimeout().toSeconds() + " s; check the network or raise ssh.keys.url.timeout");
        } catch (IOException e) {
            throw new LxcatException("cannot fetch SSH_AUTHORIZED_KEYS_URL " + s.url() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LxcatException("interrupted while fetching SSH_AUTHORIZED_KEYS_URL " + s.url());
        }
    }

    /** Keeps the first occurrence of each key (same type and data), whatever its options or comment. */
    static List<AuthorizedKey> dedupe(List<AuthorizedKey> keys) {
        Set<String> seen = new java.util.HashSet<>();
        List<AuthorizedKey> out = new ArrayList<>();
        for (AuthorizedKey k : keys) {
            if (seen.add(k.type() + " " + k.base64())) {
                out.add(k);
            }
        }
        return out;
    }

    @Override
    public int deploy(List<AuthorizedKey> keys, RootfsWriter rootfs) throws LxcatException {
        Settings s = settings;
        if (s.error() != null) {
            throw s.error();
        }
        try {
            if (!rootfs.exists("/usr/sbin/sshd")) {
                LOG.warning("the image has no SSH server (/usr/sbin/sshd): keys are deployed, but nothing will accept"
                        + " SSH logins until openssh-server is installed in the container");
            }
            User user = user(rootfs, s.user());
            String sshDir = user.home() + "/.ssh";
            String file = sshDir + "/authorized_keys";
            if (!rootfs.isDirectory(user.home())) {
                rootfs.mkdirs(user.home(), 0700, user.uid(), user.gid());
            }
            rootfs.mkdirs(sshDir, 0700, user.uid(), user.gid());
            List<String> lines = new ArrayList<>();
            Set<String> present = new java.util.HashSet<>();
            Optional<String> existing = rootfs.read(file);
            if (!s.replace() && existing.isPresent()) {
                for (String line : existing.get().split("\r?\n")) {
                    if (line.isBlank()) {
                        continue;
                    }
                    lines.add(line);
                    keyIdentity(line).ifPresent(present::add);
                }
            }
            int added = 0;
            List<AuthorizedKey> configured = dedupe(keys);
            for (AuthorizedKey key : configured) {
                if (present.add(key.type() + " " + key.base64())) {
                    lines.add(key.toLine());
                    added++;
                }
            }
            StringBuilder content = new StringBuilder();
            lines.forEach(l -> content.append(l).append('\n'));
            rootfs.write(file, content.toString().getBytes(StandardCharsets.UTF_8), 0600, user.uid(), user.gid());
            int held = (int) lines.stream().filter(l -> keyIdentity(l).isPresent()).count();
            LOG.info("ssh keys for " + s.user() + " (" + (s.replace() ? "replace" : "merge") + "): " + configured.size()
                    + " configured, " + added + " added, " + file + " holds " + held + (held == 1 ? " key" : " keys"));
            return held;
        } catch (IOException e) {
            throw new LxcatException("cannot write the SSH keys into the container: " + e.getMessage());
        }
    }

    /** The {@code type base64} of an existing authorized_keys line, if it is a key line. */
    static Optional<String> keyIdentity(String line) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#")) {
            return Optional.empty();
        }
        try {
            AuthorizedKey k = AuthorizedKeysParser.parseLine(l);
            return Optional.of(k.type() + " " + k.base64());
        } catch (AuthorizedKeysParser.InvalidKeyException e) {
            return Optional.empty();
        }
    }

    record User(String name, int uid, int gid, String home) {
    }

    static User user(RootfsWriter rootfs, String name) throws IOException, LxcatException {
        Optional<String> passwd = rootfs.read("/etc/passwd");
        if (passwd.isPresent()) {
            for (String line : passwd.get().split("\n")) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && f[0].equals(name)) {
                    try {
                        String home = f[5].isEmpty() ? "/" : f[5];
                        return new User(name, Integer.parseInt(f[2]), Integer.parseInt(f[3]), home);
                    } catch (NumberFormatException e) {
                        throw new LxcatException("the container's /etc/passwd entry for " + name + " is malformed");
                    }
                }
            }
        }
        if (name.equals("root")) {
            return new User("root", 0, 0, "/root");
        }
        throw new LxcatException("ssh.user (SSH_USER) '" + name + "' does not exist in the container image"
                + " (/etc/passwd); use an existing user such as root");
    }
}
