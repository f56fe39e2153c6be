import java.nio.file.*
import java.nio.file.attribute.PosixFilePermissions

// An Open WebUI instance on PostgreSQL, busy: a throwaway cluster with Open WebUI's tables
// (openwebui.sql), a data directory with uploads and no webui.db, and a writer (writer.sh, its own
// process) committing chats one by one until verify.1.groovy stops it after the backup.
def base = basedir.toPath()
def pg = evaluate(new File(scriptsDir, 'pgserver.groovy'))
def stopWriter = evaluate(new File(basedir, 'stop-writer.groovy'))
// Test-only credentials of a loopback cluster; src/it/settings.xml's server it-pg holds the same.
def role = 'owui', password = 'it-pg-secret-5e1d7a'

// A safety net for a build that never reaches verify.groovy (killed, or a hook failing early):
// when the Maven running the ITs exits, the writer and the cluster go with it. Both stops are idempotent.
Runtime.runtime.addShutdownHook(new Thread({
    try { stopWriter(base) } finally { pg.stop(base) }
} as Runnable, 'stop postgres IT'))

// What an earlier run left here (the invoker clones over it without cleaning): a `stop` file would
// end the new writer at once, old commits would count as new ones.
['stop', 'committed.txt', 'writer.err', 'writer.log', 'writer.pgpass', 'backup-invoked-at', 'backup-report.json',
 'verify-report.json'].each { Files.deleteIfExists(base.resolve(it)) }
['data', 'backups', 'restored-data', 'restored-data.postgres'].each { name ->
    def dir = base.resolve(name)
    if (Files.exists(dir)) {
        Files.walk(dir).withCloseable { s -> s.sorted(Comparator.reverseOrder()).toList() }.each { Files.delete(it) }
    }
}

int port = pg.start(base, role, password, 'openwebui')
Files.writeString(base.resolve('pg.port'), port.toString())
// The port is known only now: the pom builds owui.databaseUrl from it (as plan1's pom does the S3 endpoint).
Files.createDirectories(base.resolve('.mvn'))
Files.writeString(base.resolve('.mvn/maven.config'), "-Dit.pg.port=${port}\n")
pg.psql(port, role, password, 'openwebui', new File(basedir, 'openwebui.sql').text)

// The data directory: the uploads the file rows name, no webui.db (the database is the cluster).
def uploads = Files.createDirectories(base.resolve('data/uploads'))
Files.writeString(uploads.resolve('0d6f1e7a-5c44-4f7e-b3a2-8e1f9c2d4b01_handbook.md'), '# Handbook\n\nWe back up every night.\n')
Files.writeString(uploads.resolve('7c2a9b44-13d8-4e6f-a0c5-3b7d5e9f1a02_lentils.txt'), 'red lentils, cumin, lemon\n')

// The writer reads the password from a 0600 pgpass file, never from its argv or the build log.
def pgpass = base.resolve('writer.pgpass')
Files.createFile(pgpass, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString('rw-------')))
Files.writeString(pgpass, "127.0.0.1:${port}:openwebui:${role}:${password}\n")
def pb = new ProcessBuilder('bash', base.resolve('writer.sh').toString()).directory(basedir)
pb.environment().keySet().removeIf { it.startsWith('PG') }
pb.environment().putAll([PSQL: pg.bin().resolve('psql').toString(), PGHOST: '127.0.0.1', PGPORT: port.toString(),
                         PGUSER: role, PGDATABASE: 'openwebui', PGPASSFILE: pgpass.toString()])
def writer = pb.redirectErrorStream(true).redirectOutput(base.resolve('writer.log').toFile()).start()
Files.writeString(base.resolve('writer.pid'), writer.pid().toString())

// The backup starts only once chats are being committed, so some are committed before it and more during it.
def committed = base.resolve('committed.txt')
def writerErr = { Files.exists(base.resolve('writer.err')) ? Files.readString(base.resolve('writer.err')) : '' }
for (int i = 0; i < 600 && (!Files.exists(committed) || Files.readAllLines(committed).size() < 5); i++) {
    assert writer.alive : "the writer stopped: ${Files.readString(base.resolve('writer.log'))}${writerErr()}"
    Thread.sleep(100)
}
assert Files.readAllLines(committed).size() >= 5 : "the writer committed fewer than 5 chats in 60 s: ${writerErr()}"
return true
