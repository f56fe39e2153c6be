import java.nio.file.*
import groovy.json.JsonSlurper

def base = basedir.toPath()
try {
    def log = new File(basedir, 'build.log').text
    // What the S3 server holds (its filesystem blob store): a format 3 repository (owui.format=auto at a
    // new target); a backup exists when its head backups/<id>.json does.
    def heads = { Path dir -> Files.isDirectory(dir.resolve('backups')) ? Files.list(dir.resolve('backups')).collect { it.fileName.toString() }
            .findAll { it.endsWith('.json') }.collect { it - '.json' }.sort() : [] }
    def cloud = base.resolve('s3data/cloud/owui/open-webui')
    assert Files.exists(cloud.resolve('repository.json')) : 'the daily plan writes format 3 at a new target'
    def ids = heads(cloud)
    assert ids.size() == 2 : "retention keepLast=2 at the cloud target, found ${ids}"
    def trees = Files.list(cloud).findAll { it.fileName.toString() ==~ /\d{8}T\d{6}Z.*/ }.collect { it.fileName.toString() }
    assert trees.isEmpty() : "no format 2 tree at the cloud target: ${trees}"
    assert !Files.isDirectory(cloud.resolve('locks')) || Files.list(cloud.resolve('locks')).count() == 0 : 'no lock left behind'
    assert log.contains('plan daily: hot backup to [cloud], then keeping last 2')
    assert (log =~ /removed \d{8}T\d{6}Z\S* \(format 3; policy: last 2\)/).find() : 'the third run forgot the first backup'

    // The second and third daily backups reused the unchanged content of the one before.
    def third = new JsonSlurper().parse(cloud.resolve("backups/${ids[1]}.json").toFile())
    assert third.totals.bytesReused > 0 && third.totals.bytesWritten < third.totals.bytes

    // The weekly copy pulled both to the NAS, each object checked against its name, and sent the
    // second only what the first had not brought.
    def nas = base.resolve('nas/open-webui')
    assert heads(nas) == ids
    assert (log =~ /copied ${ids[1]} to \S+: \d+ objects sent \([^)]*\), [1-9]\d* already there/).find() : 'the second copy shared objects with the first'
    assert log.count('all 2 backups are whole') == 2 : 'owui:verify read both backups back at the cloud and at the NAS'
    assert log.contains('target cloud (s3://cloud/owui):') && log.contains('target nas (') : 'verify and list went over the plan\'s targets'
    assert !log.contains('BUILD FAILURE')
    return true
} finally {
    // The S3Proxy JVM that prebuild.groovy started.
    def pid = base.resolve('s3proxy.pid')
    if (Files.exists(pid)) {
        ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent { it.destroy() }
    }
}
