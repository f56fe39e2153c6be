import java.nio.file.*
import groovy.json.JsonSlurper

def base = basedir.toPath()
def complete = { Path dir -> Files.isDirectory(dir) ? Files.list(dir).findAll { Files.exists(it.resolve('manifest.json')) }.collect { it.fileName.toString() }.sort() : [] }
// Format 3 (owui.format=auto at new targets): a backup exists when its head backups/<id>.json does.
def heads = { Path dir -> Files.isDirectory(dir.resolve('backups')) ? Files.list(dir.resolve('backups')).collect { it.fileName.toString() }
        .findAll { it.endsWith('.json') }.collect { it - '.json' }.sort() : [] }
try {
    def log = new File(basedir, 'build.log').text
    def aws = heads(base.resolve('s3data/aws-bucket/owui/prod'))
    def b2 = heads(base.resolve('s3data/b2-bucket/owui/prod'))
    def nas = heads(base.resolve('nas/prod'))
    assert complete(base.resolve('s3data/aws-bucket/owui/prod')).isEmpty() && complete(base.resolve('s3data/b2-bucket/owui/prod')).isEmpty() : 'no format 2 trees at new targets'
    assert aws.size() == 1 : "the daily run reached s3: ${aws}"
    assert b2.size() == 2 && b2[0] == aws[0] : "the daily run and the broken plan's run reached b2, same id as s3: ${b2}"
    assert nas == aws : "the weekly copy pulled s3's backup to the NAS: ${nas}"

    // Captured once: the second cloud got the same backup (same entries, same start) as the first.
    def m1 = new JsonSlurper().parse(base.resolve("s3data/aws-bucket/owui/prod/backups/${aws[0]}.json").toFile())
    def m2 = new JsonSlurper().parse(base.resolve("s3data/b2-bucket/owui/prod/backups/${aws[0]}.json").toFile())
    assert m1.chunks*.sha256 == m2.chunks*.sha256 && m1.startedAt == m2.startedAt

    // The broken plan: the missing bucket is named, b2 still got the backup, the run failed.
    assert log.contains('failed at 1 of 2 target(s)') : 'the run fails naming the failed target'
    assert log.contains('lost: ') && log.contains('no-such-bucket')
    assert log.contains('stored at b2')
    assert complete(base.resolve('staging/prod')).size() == 1 : 'staging keeps only the newest capture'
    return true
} finally {
    // The S3Proxy JVM that prebuild.groovy started.
    def pid = base.resolve('s3proxy.pid')
    if (Files.exists(pid)) {
        ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent { it.destroy() }
    }
}
