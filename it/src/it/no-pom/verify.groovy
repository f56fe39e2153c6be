import java.nio.file.*
import java.security.MessageDigest

def sha(Path p) { MessageDigest.getInstance('SHA-256').digest(Files.readAllBytes(p)).encodeHex().toString() }

def data = basedir.toPath().resolve('data')
def restored = basedir.toPath().resolve('restored')
def root = basedir.toPath().resolve('backups/open-webui')
// The default (owui.format=auto) at a new target: format 3, whose backups are heads in backups/, no trees.
assert Files.isRegularFile(root.resolve('repository.json'))
def ids = Files.list(root.resolve('backups')).collect { it.fileName.toString() }.findAll { it.endsWith('.json') }
        .collect { it - '.json' }.sort()
assert ids.size() == 2 : "two backups expected, found ${ids}"
assert !Files.list(root).anyMatch { it.fileName.toString() ==~ /\d{8}T\d{6}Z.*/ } : 'no format 2 tree'
// A database's content, for comparing a restored copy with the live one (the backup API copies the
// data, not the bytes); read from a copy, since sqlite3 may leave -wal/-shm beside what it opens.
def dump = { Path db ->
    def copy = Files.createTempFile('owui-it-', '.db')
    Files.copy(db, copy, StandardCopyOption.REPLACE_EXISTING)
    def p = ['sqlite3', '-readonly', copy.toString(), '.dump'].execute()
    def out = p.text
    assert p.waitFor() == 0 : "sqlite3 .dump ${db}"
    Files.deleteIfExists(copy)
    out
}

// Restore gives back every backed-up file byte for byte (cache/ and audit.log are not backed up).
def checked = 0
Files.walk(data).filter { Files.isRegularFile(it, LinkOption.NOFOLLOW_LINKS) }.forEach { p ->
    def rel = data.relativize(p).toString()
    if (rel.startsWith('cache/') || rel == 'audit.log') {
        assert !Files.exists(restored.resolve(rel), LinkOption.NOFOLLOW_LINKS) : "$rel should not be restored"
        return
    }
    def r = restored.resolve(rel)
    assert Files.exists(r) : "missing after restore: $rel"
    // Databases were captured with SQLite's backup API: the same data, not the same bytes as the
    // live file, so their content is compared (restore itself checked the bytes against the
    // backup's SHA-256); every other file byte for byte with the original.
    if (rel.endsWith('webui.db') || rel.endsWith('.sqlite3')) {
        def live = dump(p)
        assert live.contains('CREATE TABLE') && live == dump(r) : "differs after restore: $rel"
    } else {
        assert sha(p) == sha(r) : "differs after restore: $rel"
    }
    assert Files.getLastModifiedTime(p) == Files.getLastModifiedTime(r) : "mtime not restored: $rel"
    checked++
}
assert checked > 5
assert !Files.exists(restored.resolve('webui.db-wal'))
assert !Files.list(restored).anyMatch { it.fileName.toString().startsWith('.owui-') } : 'no staging left behind'

def log = new File(basedir, 'build.log').text
assert log.contains('restored backup ' + ids[1])
assert log.contains('This plugin has 11 goals') : 'the generated help goal lists the goals'
return true
