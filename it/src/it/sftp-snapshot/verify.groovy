import java.nio.file.*

def base = basedir.toPath()
try {
    def log = new File(basedir, 'build.log').text
    // The server is this machine, so what it stored can be looked at directly.
    def snaps = base.resolve('remote/open-webui').toFile().list().findAll { !it.startsWith('.') }
    assert snaps.size() == 1 : "keep=1 leaves one snapshot: ${snaps}"
    assert log =~ /removed \d{8}T\d{6}Z(-\d+)? \(policy: last 1\)/
    assert log =~ /snapshot \d{8}T\d{6}Z(-\d+)? complete/
    assert log =~ /shared with \d{8}T\d{6}Z/ : 'the second snapshot reused the first'
    assert log.contains('is whole') : 'verify over SFTP'
    assert log.contains("backups of instance 'open-webui' at sftp://nas")
} finally {
    ['kill', Files.readString(base.resolve('sshd.pid')).trim()].execute().waitFor()
}
return true
