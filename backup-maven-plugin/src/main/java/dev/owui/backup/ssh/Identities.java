package dev.owui.backup.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.Identity;
import com.jcraft.jsch.IdentityRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.SSHAgentConnector;
import dev.owui.backup.OwuiException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Vector;

/**
 * The keys offered for public-key authentication, in OpenSSH's spirit: the key given with the
 * credentials first, then the ssh config's IdentityFile entries (or, when it names none, the
 * default ~/.ssh/id_ed25519, id_ecdsa, id_rsa), then the ssh-agent's keys. Each key is offered
 * once: an agent key that is also one of the files is not offered again, and an encrypted file
 * without a working passphrase is not offered at all (JSch would end the whole public-key method
 * on it) but its twin in the agent is. With {@code IdentitiesOnly yes} in the ssh config only
 * the agent's twins of those files are offered, no other agent key, as with OpenSSH.
 *
 * <p>It records which keys JSch really offered, for the message when the server refuses them
 * all. Never the secrets: key files by path, agent keys by comment, both with their fingerprint.
 *
 * <p>It is the session's identity repository instead of JSch's own, because putting an agent
 * repository on the JSch object would make JSch add unencrypted key files to the user's agent.
 */
final class Identities implements IdentityRepository {
    private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    private final List<Tracked> files;
    /** Public keys of every configured key file, usable or not: with IdentitiesOnly, the agent keys allowed. */
    private final List<byte[]> fileBlobs;
    private final List<String> notes;
    /** Encrypted key files without a working passphrase: not offered, named unless the agent offered their twin. */
    private final List<Tracked> encrypted;
    private final IdentityRepository agent;
    private final String agentSocket;
    private final String identitiesOnly;
    private volatile List<Tracked> fromAgent;
    private volatile int agentKeysHeldBack;
    private volatile int agentKeys = -1;
    private volatile String agentProblem;

    private Identities(List<Tracked> files, List<byte[]> fileBlobs, List<String> notes, List<Tracked> encrypted, IdentityRepository agent,
                       String agentSocket, String agentProblem, String identitiesOnly) {
        this.files = files;
        this.fileBlobs = fileBlobs;
        this.notes = notes;
        this.encrypted = encrypted;
        this.agent = agent;
        this.agentSocket = agentSocket;
        this.agentProblem = agentProblem;
        this.identitiesOnly = identitiesOnly;
    }

    /**
     * Loads the key files with {@code jsch} (a JSch object of this connection only) and connects
     * to the agent. {@code configKeys} are the ssh config's IdentityFile values for the host;
     * {@code identitiesOnly} names the ssh config that says {@code IdentitiesOnly yes} for it, or is null.
     */
    static Identities load(JSch jsch, SshOptions o, String[] configKeys, String identitiesOnly) {
        List<String> notes = new ArrayList<>();
        byte[] passphrase = o.passphrase() == null ? null : o.passphrase().getBytes(StandardCharsets.UTF_8);
        List<Path> keys = new ArrayList<>();
        if (o.privateKey() != null) {
            Path key = o.privateKey();
            if (!Files.isReadable(key)) {
                throw new OwuiException("the private key " + key + " does not exist or is not readable",
                        "fix the privateKey of the settings.xml server named by owui.serverId (or the key's permissions)");
            }
            try {
                jsch.addIdentity(key.toString(), passphrase);
            } catch (JSchException e) {
                throw new OwuiException("cannot use the private key " + key + ": " + describeKeyProblem(e, passphrase != null),
                        passphrase != null ? "check the passphrase of the settings.xml server named by owui.serverId"
                                : "give its passphrase in the settings.xml server named by owui.serverId, or use an unencrypted or agent-held key", e);
            }
            keys.add(key);
        }
        List<Path> more = new ArrayList<>();
        if (configKeys != null && configKeys.length > 0) {
            for (String k : configKeys) {
                more.add(o.resolve(k));
            }
        } else if (o.privateKey() == null) {
            for (String name : DEFAULT_KEYS) {
                more.add(o.home().resolve(".ssh").resolve(name));
            }
        }
        for (Path key : more) {
            if (!Files.isReadable(key) || keys.contains(key)) {
                continue;
            }
            try {
                jsch.addIdentity(key.toString(), passphrase);
            } catch (JSchException wrongPassphraseOrFormat) {
                try {
                    jsch.addIdentity(key.toString()); // kept encrypted: not offered, but its public key finds its agent twin
                } catch (JSchException unusable) {
                    notes.add("key " + key + " (unusable: " + unusable.getMessage() + ")");
                    continue;
                }
            }
            keys.add(key);
        }
        List<Tracked> files = new ArrayList<>();
        List<Tracked> encrypted = new ArrayList<>();
        List<byte[]> blobs = new ArrayList<>();
        for (Identity id : jsch.getIdentityRepository().getIdentities()) {
            byte[] blob = id.getPublicKeyBlob();
            if (blob != null) {
                blobs.add(blob);
            }
            if (id.isEncrypted()) {
                encrypted.add(new Tracked(id, "key " + id.getName() + " (encrypted, and no working passphrase was given)"));
            } else if (files.stream().noneMatch(f -> Arrays.equals(f.blob(), blob))) {
                files.add(new Tracked(id, "key " + id.getName() + fingerprint(blob)));
            }
        }

        IdentityRepository agent = null;
        String agentProblem = null;
        if (o.agentSocket() != null) {
            try {
                agent = new AgentIdentityRepository(new SSHAgentConnector(Path.of(o.agentSocket())));
            } catch (Exception | LinkageError e) {
                agentProblem = "ssh-agent at " + o.agentSocket() + " not usable (" + e.getMessage() + ")";
            }
        }
        return new Identities(files, blobs, notes, encrypted, agent, o.agentSocket(), agentProblem, identitiesOnly);
    }

    private static String describeKeyProblem(JSchException e, boolean hadPassphrase) {
        String m = String.valueOf(e.getMessage());
        if (hadPassphrase && (m.contains("passphrase") || m.contains("decrypt"))) {
            return "the passphrase is wrong";
        }
        return m;
    }

    /** " (ssh-ed25519 SHA256:…)", as {@code ssh-keygen -l -E sha256} shows it; "" without a public key. */
    static String fingerprint(byte[] blob) {
        if (blob == null) {
            return "";
        }
        try {
            int n = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
            String type = new String(blob, 4, n, StandardCharsets.US_ASCII);
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(blob);
            return " (" + type + " SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(sha) + ")";
        } catch (NoSuchAlgorithmException | RuntimeException e) {
            return "";
        }
    }

    /** The keys JSch offered, each refused when the login failed. */
    List<String> offered() {
        return all().stream().filter(Tracked::offered).map(Tracked::label).toList();
    }

    /** The keys that were there but never offered (the server ended the login first). */
    List<String> notOffered() {
        return all().stream().filter(t -> !t.offered()).map(Tracked::label).toList();
    }

    /** Keys not offered and why, and the agent's state: for the refusal message. */
    List<String> notes() {
        List<String> out = new ArrayList<>(notes);
        List<Tracked> a = fromAgent == null ? List.of() : fromAgent;
        for (Tracked e : encrypted) {
            if (a.stream().noneMatch(k -> Arrays.equals(k.blob(), e.blob()))) {
                out.add(e.label());
            }
        }
        if (agentSocket != null) {
            if (agentProblem != null) {
                out.add(agentProblem);
            } else if (agentKeys == 0) {
                out.add("the ssh-agent at " + agentSocket + " holds no key");
            }
            if (agentKeysHeldBack > 0) {
                out.add(agentKeysHeldBack + " other ssh-agent key" + (agentKeysHeldBack == 1 ? "" : "s") + " (IdentitiesOnly yes in "
                        + identitiesOnly + ": only the IdentityFile keys are offered)");
            }
        }
        return out;
    }

    /** True when there was nothing at all to offer. */
    boolean none() {
        return all().isEmpty();
    }

    private List<Tracked> all() {
        List<Tracked> all = new ArrayList<>(files);
        List<Tracked> a = fromAgent;
        if (a != null) {
            all.addAll(a);
        }
        return all;
    }

    @Override
    public String getName() {
        return "owui identities";
    }

    @Override
    public int getStatus() {
        return RUNNING;
    }

    @Override
    public Vector<Identity> getIdentities() {
        Vector<Identity> all = new Vector<>(files);
        all.addAll(agentIdentities());
        return all;
    }

    /** The agent's keys, asked once per connection (JSch may ask for the identities again). */
    private synchronized List<Tracked> agentIdentities() {
        if (fromAgent != null || agent == null) {
            return fromAgent == null ? List.of() : fromAgent;
        }
        List<Tracked> keys = new ArrayList<>();
        try {
            int heldBack = 0;
            Vector<Identity> held = agent.getIdentities();
            agentKeys = held.size();
            for (Identity id : held) {
                byte[] blob = id.getPublicKeyBlob();
                if (files.stream().anyMatch(f -> Arrays.equals(f.blob(), blob))) {
                    continue; // offered as its file already
                }
                if (identitiesOnly != null && fileBlobs.stream().noneMatch(b -> Arrays.equals(b, blob))) {
                    heldBack++;
                    continue;
                }
                keys.add(new Tracked(id, "ssh-agent key " + (id.getName() == null || id.getName().isBlank() ? "(no comment)" : id.getName())
                        + fingerprint(blob)));
            }
            agentKeysHeldBack = heldBack;
        } catch (RuntimeException e) {
            agentProblem = "ssh-agent at " + agentSocket + " not reachable (" + e.getMessage() + ")";
        }
        fromAgent = keys;
        return keys;
    }

    @Override
    public boolean add(byte[] identity) {
        return false; // never adds keys anywhere, least of all to the user's agent
    }

    @Override
    public boolean remove(byte[] blob) {
        return false;
    }

    @Override
    public void removeAll() {
    }

    /**
     * A key as JSch sees it, noting when JSch offers it: UserAuthPublicKey asks for the public
     * key blob right before it sends it to the server, and nowhere else. (JSch's check for
     * signature algorithms this JVM lacks exempts its own agent class, which this wrapper hides;
     * on Java 17 every algorithm it knows is available, so nothing changes.)
     */
    private static final class Tracked implements Identity {
        private final Identity key;
        private final String label;
        private final byte[] blob;
        private volatile boolean offered;

        Tracked(Identity key, String label) {
            this.key = key;
            this.label = label;
            this.blob = key.getPublicKeyBlob();
        }

        String label() {
            return label;
        }

        byte[] blob() {
            return blob;
        }

        boolean offered() {
            return offered;
        }

        @Override
        public boolean setPassphrase(byte[] passphrase) throws JSchException {
            return key.setPassphrase(passphrase);
        }

        @Override
        public byte[] getPublicKeyBlob() {
            offered = true;
            return key.getPublicKeyBlob();
        }

        @Override
        public byte[] getSignature(byte[] data) {
            return key.getSignature(data);
        }

        @Override
        public byte[] getSignature(byte[] data, String alg) {
            return key.getSignature(data, alg);
        }

        @Override
        public String getAlgName() {
            return key.getAlgName();
        }

        @Override
        public String getName() {
            return key.getName();
        }

        @Override
        public boolean isEncrypted() {
            return key.isEncrypted();
        }

        @Override
        public void clear() {
            key.clear();
        }
    }
}
