package dev.owui.backup.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.UserInfo;
import dev.owui.backup.OwuiException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Strict, read-only host-key checking. Wraps JSch's parser of the known_hosts file (plain and
 * hashed entries, {@code @revoked}) and records the key the server presented, so a refusal can
 * name its type and SHA-256 fingerprint and the exact command to fix it. {@link #add} and
 * {@link #remove} do nothing: trusting a host is the operator's decision, made out of band.
 */
final class HostKeyCheck implements HostKeyRepository {
    private final HostKeyRepository known;
    private final Path file;
    private volatile String presentedHost;
    private volatile byte[] presentedKey;
    private volatile int result = -1;

    HostKeyCheck(HostKeyRepository known, Path file) {
        this.known = known;
        this.file = file;
    }

    @Override
    public int check(String host, byte[] key) {
        presentedHost = host;
        presentedKey = key.clone();
        int r = known.check(host, key);
        result = r;
        return r;
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // never: strict checking, and known_hosts belongs to the operator
    }

    @Override
    public void remove(String host, String type) {
    }

    @Override
    public void remove(String host, String type, byte[] key) {
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return file.toString();
    }

    @Override
    public HostKey[] getHostKey() {
        return known.getHostKey();
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
        return known.getHostKey(host, type);
    }

    /** Whether the last handshake was refused for its host key (unknown or changed). */
    boolean refused() {
        return presentedKey != null && result != HostKeyRepository.OK;
    }

    /** The operator's message for the refused host key of the last handshake. */
    OwuiException refusal(String who) {
        String type = keyType(presentedKey);
        String fingerprint = fingerprint(presentedKey);
        Endpoint ep = Endpoint.of(presentedHost);
        String keyscan = "ssh-keyscan " + (ep.port == 22 ? "" : "-p " + ep.port + " ") + "-t " + keyscanType(type) + " " + ep.host
                + " >> " + file;
        if (result == HostKeyRepository.CHANGED) {
            List<Integer> lines = linesNaming(presentedHost);
            return new OwuiException("the host key of " + who + " has CHANGED: the server now presents the " + type + " key "
                    + fingerprint + ", but " + file + (lines.isEmpty() ? "" : " (line " + join(lines) + ")")
                    + " holds another one for " + presentedHost + "; refusing to connect",
                    "if the server was reinstalled or its keys were replaced, confirm the new fingerprint out of band (on the server: "
                            + "`ssh-keygen -lf /etc/ssh/ssh_host_" + keyscanType(type) + "_key.pub`), then remove the old entry with "
                            + "`ssh-keygen -f " + file + " -R '" + presentedHost + "'` and add the new one with `" + keyscan
                            + "`; otherwise someone may be impersonating the server: do not connect");
        }
        return new OwuiException("the host key of " + who + " is unknown: " + presentedHost + " presents the " + type + " key "
                + fingerprint + " that " + file + (Files.exists(file) ? " does not list" : " (missing) cannot list")
                + "; refusing to connect (strict host-key checking)",
                "check the fingerprint out of band (on the server: `ssh-keygen -lf /etc/ssh/ssh_host_" + keyscanType(type)
                        + "_key.pub`), then trust it with `" + keyscan + "`, or point owui.knownHosts at a known_hosts file that lists it");
    }

    /** Line numbers (1-based) of known_hosts entries that name {@code host}, plain or hashed. */
    List<Integer> linesNaming(String host) {
        List<Integer> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length < 2 || f[0].startsWith("#")) {
                    continue;
                }
                String hosts = f[0].startsWith("@") && f.length > 2 ? f[1] : f[0];
                if (names(hosts, host)) {
                    out.add(i + 1);
                }
            }
        } catch (Exception e) {
            // only for the message; the check itself was JSch's
        }
        return out;
    }

    private static boolean names(String hosts, String host) {
        if (hosts.startsWith("|1|")) { // hashed: |1|base64(salt)|base64(HMAC-SHA1(salt, host))
            String[] p = hosts.split("\\|");
            try {
                Mac mac = Mac.getInstance("HmacSHA1");
                mac.init(new SecretKeySpec(Base64.getDecoder().decode(p[2]), "HmacSHA1"));
                return MessageDigest.isEqual(mac.doFinal(host.getBytes(StandardCharsets.UTF_8)), Base64.getDecoder().decode(p[3]));
            } catch (Exception e) {
                return false;
            }
        }
        for (String h : hosts.split(",")) {
            if (h.equals(host)) {
                return true;
            }
        }
        return false;
    }

    private static String join(List<Integer> lines) {
        return String.join(", ", lines.stream().map(String::valueOf).toList());
    }

    /** The key type named inside an SSH public key blob ("ssh-ed25519", "ecdsa-sha2-nistp256"…). */
    static String keyType(byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob);
        int len = b.getInt();
        return new String(blob, 4, len, StandardCharsets.US_ASCII);
    }

    /** OpenSSH's fingerprint: {@code SHA256:} and the unpadded Base64 of the blob's SHA-256. */
    static String fingerprint(byte[] blob) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The name {@code ssh-keyscan -t} and the host key files use for a key type. */
    static String keyscanType(String type) {
        if (type.equals("ssh-ed25519")) {
            return "ed25519";
        }
        if (type.startsWith("ecdsa-sha2-")) {
            return "ecdsa";
        }
        if (type.equals("ssh-rsa") || type.startsWith("rsa-sha2")) {
            return "rsa";
        }
        if (type.equals("ssh-dss")) {
            return "dsa";
        }
        return type;
    }

    /** {@code host} or {@code [host]:port} as known_hosts writes them. */
    record Endpoint(String host, int port) {
        static Endpoint of(String chost) {
            if (chost.startsWith("[")) {
                int close = chost.indexOf("]:");
                if (close > 0) {
                    return new Endpoint(chost.substring(1, close), Integer.parseInt(chost.substring(close + 2)));
                }
            }
            return new Endpoint(chost, 22);
        }
    }
}
