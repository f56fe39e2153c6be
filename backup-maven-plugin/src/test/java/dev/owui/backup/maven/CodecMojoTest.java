package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.codec.Gpg;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compression and encryption parameters as the goals take them: snapshot → verify → restore with a gpg key pair. */
@MojoTest
class CodecMojoTest {
    @TempDir
    Path tmp;
    Gpg gpg;

    @AfterEach
    void stopAgent() {
        if (gpg != null) {
            gpg.close();
        }
    }

    @Test
    @InjectMojo(goal = "snapshot")
    void aSnapshotEncryptedToAPublicKeyVerifiesWithoutTheKeyAndRestoresWithTheSecretKey(SnapshotMojo snapshot) throws Exception {
        gpg = new Gpg(tmp.resolve("gnupg")).withUnprotectedKeyPair();
        Path pub = gpg.exportPublic(tmp.resolve("ops.asc"));
        Path secret = gpg.exportSecret(tmp.resolve("ops-secret.asc"));
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path snaps = tmp.resolve("snaps");
        setVariableValueToObject(snapshot, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(snapshot, "snapshotDir", snaps.toString());
        setVariableValueToObject(snapshot, "compression", "zstd");
        setVariableValueToObject(snapshot, "recipients", List.of(pub.toFile()));
        snapshot.execute();
        String id;
        try (var s = Files.list(snaps.resolve("open-webui"))) {
            id = s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).findFirst().orElseThrow();
        }
        Path tree = snaps.resolve("open-webui").resolve(id);
        assertTrue(Files.exists(tree.resolve("webui.db.zst.gpg")));
        assertFalse(Files.exists(tree.resolve("webui.db")));

        VerifyMojo blind = new VerifyMojo();
        configure(blind, snaps);
        blind.execute(); // whole: stored bytes checked, content not decrypted

        VerifyMojo full = new VerifyMojo();
        configure(full, snaps);
        setVariableValueToObject(full, "secretKeyRing", secret.toFile());
        full.execute();

        RestoreMojo restore = new RestoreMojo();
        configure(restore, snaps);
        setVariableValueToObject(restore, "dataDir", tmp.resolve("restored").toFile());
        MojoFailureException noKey = assertThrows(MojoFailureException.class, restore::execute);
        assertTrue(noKey.getMessage().contains("is encrypted") && noKey.getMessage().contains("owui.secretKeyRing"), noKey.getMessage());
        setVariableValueToObject(restore, "secretKeyRing", secret.toFile());
        restore.execute();
        assertEquals(TestSupport.sha256(f.dataDir().resolve(f.uploads().get(0))), TestSupport.sha256(tmp.resolve("restored").resolve(f.uploads().get(0))));
    }

    private void configure(AbstractTargetMojo mojo, Path target) throws Exception {
        setVariableValueToObject(mojo, "target", target.toString());
        setVariableValueToObject(mojo, "instance", "open-webui");
    }

    @Test
    @InjectMojo(goal = "snapshot")
    void aPassphraseVariableThatIsNotSetFailsInsteadOfWritingAnUnencryptedBackup(SnapshotMojo snapshot) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        setVariableValueToObject(snapshot, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(snapshot, "snapshotDir", tmp.resolve("snaps").toString());
        setVariableValueToObject(snapshot, "passphraseEnv", "OWUI_TEST_NO_SUCH_VARIABLE");
        MojoFailureException e = assertThrows(MojoFailureException.class, snapshot::execute);
        assertTrue(e.getMessage().startsWith("the environment variable OWUI_TEST_NO_SUCH_VARIABLE (owui.passphraseEnv) is not set or empty"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("snaps/open-webui")) && Files.list(tmp.resolve("snaps/open-webui")).anyMatch(p -> !p.getFileName().toString().startsWith(".")));
    }

    @Test
    @InjectMojo(goal = "snapshot")
    void anUnknownCompressionIsNamed(SnapshotMojo snapshot) throws Exception {
        setVariableValueToObject(snapshot, "dataDir", new File("."));
        setVariableValueToObject(snapshot, "snapshotDir", tmp.resolve("snaps").toString());
        setVariableValueToObject(snapshot, "compression", "gzip");
        MojoFailureException e = assertThrows(MojoFailureException.class, snapshot::execute);
        assertTrue(e.getMessage().startsWith("unknown owui.compression 'gzip' — use zstd or none"), e.getMessage());
    }
}
