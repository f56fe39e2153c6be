import java.nio.file.*
import java.time.Instant
import groovy.json.JsonSlurper

// Runs after the last goal, and also when a goal or a hook failed (invoker 3.10 runs the post-build
// script in a finally): the writer and the cluster are stopped in any case.
def base = basedir.toPath()
def pg = evaluate(new File(scriptsDir, 'pgserver.groovy'))
def stopWriter = evaluate(new File(basedir, 'stop-writer.groovy'))
def role = 'owui', password = 'it-pg-secret-5e1d7a'
try {
    stopWriter(base)
    def log = new File(basedir, 'build.log').text
    def has = { line -> assert log.contains(line.toString()) : "build.log lacks: ${line}" }
    assert !log.contains(password) : 'the database password is in build.log'
    assert !log.contains('BUILD FAILURE')
    int port = Integer.parseInt(Files.readString(base.resolve('pg.port')).trim())
    def sql = { String database, String query -> pg.psql(port, role, password, database, query).readLines().findAll { it } }

    // The backup: one format 3 backup whose head lists the Open WebUI database's dump, never a password.
    def repo = base.resolve('backups/open-webui')
    def heads = Files.list(repo.resolve('backups')).collect { it.fileName.toString() }.findAll { it.endsWith('.json') }
    assert heads.size() == 1 : "one backup: ${heads}"
    def headText = Files.readString(repo.resolve("backups/${heads[0]}"))
    assert !headText.contains(password)
    def head = new JsonSlurper().parseText(headText)
    assert head.postgres instanceof List && head.postgres.size() == 1 : "the head lists one dump: ${head.postgres}"
    def dump = head.postgres[0]
    assert dump.role == 'openwebui' && dump.path == '_outside-data-dir/postgres/openwebui.dump'
    assert dump.schemaRevision == 'f0bd01a18a3d' && head.openWebUi.schemaRevision == 'f0bd01a18a3d'
    def backupReport = new JsonSlurper().parse(base.resolve('backup-report.json').toFile())
    assert backupReport.goal == 'backup' && backupReport.result == 'success' : "backup report: ${backupReport}"
    def instant = { v -> v instanceof Number ? Instant.ofEpochMilli((long) (v * 1000)) : Instant.parse(v.toString()) }
    long startedAt = instant(head.startedAt).toEpochMilli()
    long finishedAt = instant(head.finishedAt).toEpochMilli()
    long invokedAt = Long.parseLong(new File(basedir, 'backup-invoked-at').text.trim())
    assert invokedAt <= startedAt : 'the backup started after its Maven start (one clock)'

    // What the writer committed: "<n> <began ms> <committed ms>", one line per transaction, in order.
    def committed = new File(basedir, 'committed.txt').readLines().findAll { it }.collect { line ->
        def f = line.split(' ')*.toLong()
        [n: f[0], began: f[1], ended: f[2]]
    }
    def restoredIds = sql('restored', "SELECT substr(id, 8) FROM chat WHERE id LIKE 'writer-%'")
            .collect { it.toLong() } as Set

    // Every chat committed before the backup's Maven started is in the restored database (the
    // conservative moment), and so is every chat committed before the backup's own start.
    def beforeInvoked = committed.findAll { it.ended < invokedAt }
    assert beforeInvoked.size() >= 5 : 'prebuild waits for 5 commits before the backup'
    def lost = beforeInvoked*.n.findAll { !restoredIds.contains(it) }
    assert lost.isEmpty() : "chats committed before the backup started are missing from the restore: writer-${lost}"
    lost = committed.findAll { it.ended < startedAt }*.n.findAll { !restoredIds.contains(it) }
    assert lost.isEmpty() : "chats committed before the head's startedAt are missing from the restore: writer-${lost}"
    // One snapshot: the restored chats are exactly the writer's first k commits (no hole, nothing
    // half-written), and nothing begun after the backup finished is in it.
    long k = restoredIds.isEmpty() ? 0 : restoredIds.max()
    def holes = committed*.n.findAll { it <= k && !restoredIds.contains(it) }
    assert holes.isEmpty() : "the restore holds writer-${k} but not the earlier writer-${holes}: not one snapshot"
    def late = committed.findAll { it.began > finishedAt && restoredIds.contains(it.n) }*.n
    assert late.isEmpty() : "chats begun after the backup finished are in the restore: writer-${late}"
    // The writes really were concurrent: the writer kept committing while the backup ran.
    assert committed.any { it.began > startedAt } : "the writer committed nothing after the backup started: ${committed.size()} commits"
    def halfChats = sql('restored', "SELECT c.id FROM chat c LEFT JOIN chat_message m ON m.chat_id = c.id" +
            " WHERE c.id LIKE 'writer-%' GROUP BY c.id HAVING count(m.id) <> 2")
    assert halfChats.isEmpty() : "restored chats without both their messages (a transaction split): ${halfChats}"

    // The restored database's rows are those the head recorded in the capture's snapshot.
    def counted = ['users': '"user"', 'chats': 'chat', 'messages': 'chat_message', 'files': 'file', 'knowledge': 'knowledge']
    def restoredCounts = counted.collectEntries { name, table -> [name, sql('restored', "SELECT count(*) FROM ${table}")[0].toLong()] }
    assert restoredCounts == head.openWebUi.counts.collectEntries { n, c -> [n, c as long] } : "restored ${restoredCounts}, head ${head.openWebUi.counts}"
    assert restoredCounts == dump.counts.collectEntries { n, c -> [n, c as long] } : "restored ${restoredCounts}, dump ${dump.counts}"
    assert restoredCounts.chats == 2 + restoredIds.size() : 'the seed chats and the writer\'s'
    assert sql('restored', 'SELECT version_num FROM alembic_version') == ['f0bd01a18a3d']
    assert sql('restored', "SELECT value::text FROM config WHERE key = 'ui.enable_signup'") == ['false']

    // The data directory came back beside it: the uploads, no webui.db, no dumps left as files.
    def restored = base.resolve('restored-data')
    ['0d6f1e7a-5c44-4f7e-b3a2-8e1f9c2d4b01_handbook.md', '7c2a9b44-13d8-4e6f-a0c5-3b7d5e9f1a02_lentils.txt'].each { name ->
        assert Files.readString(restored.resolve("uploads/${name}")) == Files.readString(base.resolve("data/uploads/${name}"))
    }
    assert !Files.exists(restored.resolve('webui.db'))
    assert !Files.exists(base.resolve('restored-data.postgres')) : 'the dump went into the database, not beside the folder'
    has("restored backup ${head.backupId}")

    // Verify restored the dump into a scratch database on the server, found it whole, and dropped it.
    def verifyReport = new JsonSlurper().parse(base.resolve('verify-report.json').toFile())
    assert verifyReport.goal == 'verify' && verifyReport.result == 'success' : "verify report: ${verifyReport}"
    has("backup ${head.backupId} is whole")
    def left = sql('postgres', "SELECT datname FROM pg_database WHERE datname LIKE 'owui_verify_%'")
    assert left.isEmpty() : "scratch databases left behind: ${left}"
    // The live database holds what the writer committed, and the backup changed nothing there.
    assert sql('openwebui', "SELECT count(*) FROM chat WHERE id LIKE 'writer-%'")[0].toLong() >= committed.size()
    return true
} finally {
    try {
        stopWriter(base)
    } finally {
        pg.stop(base)
    }
}
