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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Vector;

/**
 * The keys offered for public-key authentication, in OpenSSH's spirit: the key given with the
 * credentials first, then the ssh config's IdentityFile entries (or, when it names none, the
 * default ~/.ssh/id_ed25519, id_ecdsa, id_rsa), then the ssh-agent's keys. It also remembers
 * what it offered, for the message when the server refuses them all. Never the secrets.
 *
 * <p>It is the session's identity repository instead of JSch's own, because putting an agent
 * repository on the JSch object would make JSch add unencrypted key files to the user's agent.
 */
final class Identities implements IdentityRepository {
    private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    private final List<Identity> files;
    private final IdentityRepository agent;
    private final String agentSocket;
    private final List<String> offered = Collections.synchronizedList(new ArrayList<>());
    private volatile int agentKeys = -1;
    private volatile String agentProblem;

    private Identities(List<Identity> files, List<String> fileNotes, IdentityRepository agent, String agentSocket, String agentProblem) {
        this.files = files;
        this.agent = agent;
        this.agentSocket = agentSocket;
        this.agentProblem = agentProblem;
        offered.addAll(fileNotes);
    }

    /**
     * Loads the key files with {@code jsch} (a JSch object of this connection only) and connects
     * to the agent. {@code configKeys} are the ssh config's IdentityFile values for the host.
     */
    static Identities load(JSch jsch, SshOptions o, String[] configKeys) {
        List<String> notes = new ArrayList<>();
        byte[] passphrase = o.passphrase() == null ? null : o.passphrase().getBytes(StandardCharsets.UTF_8);
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
            notes.add(keyNote(jsch, key));
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
            if (!Files.isReadable(key) || key.equals(o.privateKey())) {
                continue;
            }
            try {
                jsch.addIdentity(key.toString(), passphrase);
            } catch (JSchException wrongPassphraseOrFormat) {
                try {
                    jsch.addIdentity(key.toString()); // kept encrypted: skipped at login, noted in the message
                } catch (JSchException unusable) {
                    notes.add("key " + key + " (unusable: " + unusable.getMessage() + ")");
                    continue;
                }
            }
            notes.add(keyNote(jsch, key));
        }
        List<Identity> loaded = new ArrayList<>(jsch.getIdentityRepository().getIdentities());

        IdentityRepository agent = null;
        String agentProblem = null;
        if (o.agentSocket() != null) {
            try {
                agent = new AgentIdentityRepository(new SSHAgentConnector(Path.of(o.agentSocket())));
            } catch (Exception | LinkageError e) {
                agentProblem = "ssh-agent at " + o.agentSocket() + " not usable (" + e.getMessage() + ")";
            }
        }
        return new Identities(loaded, notes, agent, o.agentSocket(), agentProblem);
    }

    private static String keyNote(JSch jsch, Path key) {
        for (Identity id : jsch.getIdentityRepository().getIdentities()) {
            if (key.toString().equals(id.getName()) && id.isEncrypted()) {
                return "key " + key + " (encrypted, and no working passphrase was given: skipped)";
            }
        }
        return "key " + key;
    }

    private static String describeKeyProblem(JSchException e, boolean hadPassphrase) {
        String m = String.valueOf(e.getMessage());
        if (hadPassphrase && (m.contains("passphrase") || m.contains("decrypt"))) {
            return "the passphrase is wrong";
        }
        return m;
    }

    /** What was offered to the server, for the refusal message: key files and the agent. */
    List<String> offered() {
        List<String> out = new ArrayList<>(offered);
        if (agentSocket != null) {
            if (agentProblem != null) {
                out.add(agentProblem);
            } else {
                out.add("ssh-agent at " + agentSocket + (agentKeys < 0 ? "" : " (" + agentKeys + " key" + (agentKeys == 1 ? "" : "s") + ")"));
            }
        }
        return out;
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
        if (agent != null) {
            try {
                Vector<Identity> fromAgent = agent.getIdentities();
                agentKeys = fromAgent.size();
                all.addAll(fromAgent);
            } catch (RuntimeException e) {
                agentProblem = "ssh-agent at " + agentSocket + " not reachable (" + e.getMessage() + ")";
            }
        }
        return all;
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
}
