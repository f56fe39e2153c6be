package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.report.ReportSchema;
import dev.owui.backup.store.s3.S3Access;
import dev.owui.backup.store.s3.S3Server;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.TreeMap;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * owui.storage.* as Maven runs them, with S3Proxy as Open WebUI's object storage: owui:backup
 * holds the objects the file rows name, owui:restore puts them back into the bucket.
 */
@MojoTest
class ObjectStorageMojoTest {
    static final String BUCKET = "owui-uploads";

    @TempDir
    Path tmp;
    final PostgresMojoTest.Lines log = new PostgresMojoTest.Lines();

    private static Settings settings() {
        Server s = new Server();
        s.setId(S3Server.SERVER_ID);
        s.setUsername(S3Server.ACCESS_KEY);
        s.setPassword(S3Server.SECRET_KEY);
        Settings settings = new Settings();
        settings.addServer(s);
        return settings;
    }

    private void common(AbstractMojo mojo, S3Server s3, String target, Path report) throws Exception {
        mojo.setLog(log);
        setVariableValueToObject(mojo, "settings", settings());
        setVariableValueToObject(mojo, "target", target);
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "report", report.toString());
        setVariableValueToObject(mojo, "storageProvider", "s3");
        setVariableValueToObject(mojo, "storageEndpoint", s3.endpoint());
        setVariableValueToObject(mojo, "storageServerId", S3Server.SERVER_ID);
    }

    @Test
    void backupHoldsTheBucketsObjectsAndRestorePutsThemBack(@InjectMojo(goal = "backup") BackupMojo backup,
                                                           @InjectMojo(goal = "restore") RestoreMojo restore) throws Exception {
        try (S3Server s3 = S3Server.start(tmp.resolve("s3"), 0, BUCKET);
             S3Access bucket = S3Access.open(s3.spec("s3://" + BUCKET), S3Server.context())) {
            Path data = tmp.resolve("data");
            OpenWebUiFixture.at(data).seed(3).users(2).chatsPerUser(2).uploads(2).build();
            Map<String, byte[]> objects = new TreeMap<>();
            objects.put("uploads/3f1c_report.pdf", "a report kept in S3".getBytes());
            objects.put("uploads/9a2e_notes.txt", "notes kept in S3".getBytes());
            objects.forEach((k, b) -> bucket.client().putObject(q -> q.bucket(BUCKET).key(k), RequestBody.fromBytes(b)));
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("webui.db"));
                 PreparedStatement s = c.prepareStatement("INSERT INTO file (id, user_id, filename, path, created_at, updated_at) VALUES (?, 'u', ?, ?, 1, 1)")) {
                int i = 0;
                for (String k : objects.keySet()) {
                    s.setString(1, "ext" + i++);
                    s.setString(2, k.substring(k.lastIndexOf('/') + 1));
                    s.setString(3, "s3://" + BUCKET + "/" + k);
                    s.executeUpdate();
                }
            }
            String target = tmp.resolve("nas").toString();
            Path backupReport = tmp.resolve("backup.json");
            common(backup, s3, target, backupReport);
            setVariableValueToObject(backup, "dataDir", data.toFile());
            backup.execute();
            ReportSchema.validate(backupReport);
            assertFalse(log.all().contains("not in the backup"), log.all());

            // The bucket loses its objects; the restore puts them back, byte for byte.
            objects.keySet().forEach(k -> bucket.client().deleteObject(q -> q.bucket(BUCKET).key(k)));
            Path restoreReport = tmp.resolve("restore.json");
            common(restore, s3, target, restoreReport);
            setVariableValueToObject(restore, "dataDir", tmp.resolve("restored").toFile());
            restore.execute();
            ReportSchema.validate(restoreReport);
            for (Map.Entry<String, byte[]> o : objects.entrySet()) {
                assertArrayEquals(o.getValue(), bucket.client().getObjectAsBytes(q -> q.bucket(BUCKET).key(o.getKey())).asByteArray(), o.getKey());
            }
            assertFalse(Files.exists(tmp.resolve("restored.object-storage")), "into the bucket, not beside the data directory");
            assertFalse(log.all().contains(S3Server.SECRET_KEY), "the secret key is in the log");
            assertFalse(Files.readString(backupReport).contains(S3Server.SECRET_KEY) || Files.readString(restoreReport).contains(S3Server.SECRET_KEY));
        }
    }

    @Test
    void badStorageParametersFailNamingThem(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        Path data = OpenWebUiFixture.at(tmp.resolve("data")).seed(1).users(1).chatsPerUser(1).uploads(1).build().dataDir();
        mojo.setLog(log);
        setVariableValueToObject(mojo, "dataDir", data.toFile());
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "storageProvider", "gcs");
        MojoFailureException gcs = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(gcs.getMessage().startsWith("owui.storage.provider=gcs is not supported"), gcs.getMessage());

        setVariableValueToObject(mojo, "storageProvider", "none");
        setVariableValueToObject(mojo, "storageEndpoint", "http://127.0.0.1:1");
        MojoFailureException stray = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(stray.getMessage().startsWith("owui.storage.endpoint is set but owui.storage.provider is none"), stray.getMessage());

        setVariableValueToObject(mojo, "storageProvider", "s3");
        setVariableValueToObject(mojo, "mode", "paused");
        MojoFailureException paused = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(paused.getMessage().startsWith("uploads in object storage (owui.storage.provider=s3) are backed up in format 3 in hot mode; this backup is paused"),
                paused.getMessage());
        assertEquals(false, Files.exists(tmp.resolve("nas")), "nothing was written");
    }
}
