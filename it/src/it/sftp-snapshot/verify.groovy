import java.nio.file.*

def base = basedir.toPath()
try {
    def log = new File(basedir, 'build.log').text
    // The server is this machine, so what it stored can be looked at directly. A new snapshot
    // directory gets format 3 (owui.format=auto): a repository plus a browsable tree per snapshot.
    def instance = base.resolve('remote/open-webui')
    def heads = instance.resolve('backups').toFile().list().findAll { it.endsWith('.json') }.collect { it - '.json' }
    assert heads.size() == 1 : "keep=1 leaves one snapshot: ${heads}"
    def trees = instance.resolve('trees').toFile().list().toList()
    assert trees == heads : "the kept snapshot's tree, and only its: ${trees}"
    // The tree's plain files are hard links into objects/ on the server (a link made over SFTP).
    def uploads = instance.resolve("trees/${heads[0]}/uploads")
    def linked = Files.list(uploads).findAll { Files.isRegularFile(it, LinkOption.NOFOLLOW_LINKS) && Files.getAttribute(it, 'unix:nlink') >= 2 }
    assert !linked.isEmpty() : 'uploads in the tree are hard links to their objects'
    assert Files.exists(instance.resolve("trees/${heads[0]}/webui.db")) : 'the database reassembled into the tree'
    assert log =~ /removed \d{8}T\d{6}Z(-\d+)? \(format 3; policy: last 1\)/
    assert log =~ /snapshot \d{8}T\d{6}Z(-\d+)? complete \(format 3\)/
    assert log =~ /unchanged content reused from \d{8}T\d{6}Z/ : 'the second snapshot reused the first'
    assert log.contains('is whole') : 'verify over SFTP'
    assert log.contains("backups of instance 'open-webui' at sftp://nas")
} finally {
    ['kill', Files.readString(base.resolve('sshd.pid')).trim()].execute().waitFor()
}
return true
