import java.nio.file.*
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
def root = basedir.toPath().resolve('nas/prod')
def ids = Files.list(root).findAll { Files.isDirectory(it) && !it.fileName.toString().startsWith('.') }
        .collect { it.fileName.toString() }.sort()
assert ids.size() == 2 : "two backups expected, found ${ids}"

def first = new JsonSlurper().parse(root.resolve(ids[0]).resolve('manifest.json').toFile())
def second = new JsonSlurper().parse(root.resolve(ids[1]).resolve('manifest.json').toFile())
assert first.format == 'owui-backup' && first.formatVersion == 1
assert first.instance == 'prod'
assert first.openWebUi.schemaRevision == 'f0bd01a18a3d'
assert first.openWebUi.counts.users > 0
def paths = first.files*.path
assert paths.contains('webui.db') && paths.contains('vector_db/chroma.sqlite3')
assert !paths.any { it.startsWith('cache/') } : 'cache/ is excluded'
assert !paths.contains('audit.log')
assert !paths.contains('uploads/scratch.tmp') : 'the pom excludes uploads/**.tmp'
assert first.files.find { it.type == 'secret-key' }.path == '_outside-data-dir/.webui_secret_key'

// The second backup shares every unchanged upload with the first: same inode, nothing written twice.
def upload = first.files.find { it.type == 'file' && it.path.startsWith('uploads/') && it.size > 0 }.path
def a = root.resolve(ids[0]).resolve(upload)
def b = root.resolve(ids[1]).resolve(upload)
assert Files.getAttribute(a, 'unix:ino') == Files.getAttribute(b, 'unix:ino')
assert second.files.find { it.path == upload }.reusedFrom == ids[0]
assert second.totals.bytesReused > 0

// The summary table, the listing and the verification.
assert log.contains('backup ' + ids[1] + ' complete')
assert log =~ /files\s+size\s+written\s+shared/
assert log.contains("backups of instance 'prod'")
assert log.indexOf(ids[1]) < log.lastIndexOf(ids[0]) : 'list shows newest first'
assert log.contains('all 2 backups are whole')

// Snapshots: the same format in their own directory; keep=1 rotated the first one away.
def snaps = basedir.toPath().resolve('snapshots/prod').toFile().list().findAll { !it.startsWith('.') }
assert snaps.size() == 1 : "one snapshot kept: ${snaps}"
assert basedir.toPath().resolve("snapshots/prod/${snaps[0]}/manifest.json").toFile().exists()
assert log =~ /removed \d{8}T\d{6}Z(-\d+)? \(policy: last 1\)/
return true
