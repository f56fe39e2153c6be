import java.nio.file.*
import java.security.MessageDigest

def sha(Path p) { MessageDigest.getInstance('SHA-256').digest(Files.readAllBytes(p)).encodeHex().toString() }

def data = basedir.toPath().resolve('data')
def restored = basedir.toPath().resolve('restored')
def root = basedir.toPath().resolve('backups/open-webui')
def ids = Files.list(root).findAll { !it.fileName.toString().startsWith('.') }.collect { it.fileName.toString() }.sort()
assert ids.size() == 2 : "two backups expected, found ${ids}"

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
    // live file, so they are compared with the backup's copy; every other file with the original.
    def expected = rel.endsWith('webui.db') || rel.endsWith('.sqlite3') ? root.resolve(ids[1]).resolve(rel) : p
    assert sha(expected) == sha(r) : "differs after restore: $rel"
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
