import java.nio.file.*
import java.security.MessageDigest

def base = basedir.toPath()
['kill', Files.readString(base.resolve('holder.pid')).trim()].execute().waitFor()

def log = new File(basedir, 'build.log').text
// One line each: the problem, then the remedy.
assert log.contains('no-such-dir does not exist — set owui.dataDir')
assert log =~ /empty is empty — point owui.dataDir/
assert log.contains('is not an SQLite database')
assert log =~ /webui\.db (fails SQLite's quick_check|with SQLite's backup API: .*malformed|\(with its -wal\) cannot be opened: .*malformed)/
assert log.contains('a file is in the way')
assert log.contains('no backup 20990101T000000Z of instance')
assert log =~ /data is not empty .* -Dowui.force=true/
assert log =~ /Open WebUI seems to be running on .*running: process \d+/

// Nothing half-made: only invocation 6's backup exists, no partial trees, and the restores changed nothing.
def ids = Files.list(base.resolve('backups/open-webui')).collect { it.fileName.toString() }.findAll { !it.startsWith('.lock') }
assert ids.size() == 1 && ids[0] ==~ /\d{8}T\d{6}Z/ : "unexpected trees: ${ids}"
assert !Files.exists(base.resolve('fresh/webui.db'))
def sha = { Path p -> MessageDigest.getInstance('SHA-256').digest(Files.readAllBytes(p)).encodeHex().toString() }
assert sha(base.resolve('running/webui.db')) == sha(Paths.get(sampleDir).resolve('webui.db'))
assert Files.list(base.resolve('running')).noneMatch { it.fileName.toString().startsWith('.owui') }
return true
