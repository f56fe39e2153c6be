import java.nio.file.*
import groovy.json.JsonSlurper

def base = basedir.toPath()
try {
    def log = new File(basedir, 'build.log').text
    // What the S3 server holds (its filesystem blob store): complete backups have a manifest.json.
    def cloud = base.resolve('s3data/cloud/owui/open-webui')
    def ids = Files.list(cloud).findAll { Files.exists(it.resolve('manifest.json')) }.collect { it.fileName.toString() }.sort()
    assert ids.size() == 2 : "retention keepLast=2 at the cloud target, found ${ids}"
    def leftovers = Files.list(cloud).findAll { !Files.exists(it.resolve('manifest.json')) }.collect { it.fileName.toString() }
    assert leftovers.isEmpty() : "no partial or half-deleted backup stays in the bucket: ${leftovers}"
    assert log.contains('plan daily: hot backup to [cloud], then keeping last 2')
    assert (log =~ /removed \d{8}T\d{6}Z\S* \(policy: last 2\)/).find() : 'the third run removed the first backup'

    // The second and third daily backups shared unchanged files with the one before, server-side.
    def third = new JsonSlurper().parse(cloud.resolve(ids[1]).resolve('manifest.json').toFile())
    assert third.totals.bytesReused > 0 && third.totals.bytesWritten < third.totals.bytes

    // The weekly copy pulled both to the NAS, checked every file, and shared what the first brought.
    def nas = base.resolve('nas/open-webui')
    def nasIds = Files.list(nas).findAll { Files.exists(it.resolve('manifest.json')) }.collect { it.fileName.toString() }.sort()
    assert nasIds == ids
    def m = new JsonSlurper().parse(nas.resolve(ids[1]).resolve('manifest.json').toFile())
    def upload = m.files.find { it.type == 'file' && it.path.startsWith('uploads/') && it.size > 0 }.path
    assert Files.getAttribute(nas.resolve(ids[0]).resolve(upload), 'unix:ino') == Files.getAttribute(nas.resolve(ids[1]).resolve(upload), 'unix:ino')
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
