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

// Nothing half-made: only invocation 6's backup exists (format 3, owui.format=auto at a new target:
// one head in the repository), no partial trees or temporary files, and the restores changed nothing.
def inst = base.resolve('backups/open-webui')
def heads = Files.list(inst.resolve('backups')).collect { it.fileName.toString() }
assert heads.size() == 1 && heads[0] ==~ /\d{8}T\d{6}Z\.json/ : "unexpected heads: ${heads}"
def names = Files.list(inst).collect { it.fileName.toString() }.sort()
assert names == ['backups', 'locks', 'objects', 'repository.json'] : "unexpected at the instance folder: ${names}"
assert Files.list(inst.resolve('locks')).count() == 0 : 'no lock left'
assert !Files.exists(base.resolve('fresh/webui.db'))
def sha = { Path p -> MessageDigest.getInstance('SHA-256').digest(Files.readAllBytes(p)).encodeHex().toString() }
assert sha(base.resolve('running/webui.db')) == sha(Paths.get(sampleDir).resolve('webui.db'))
assert Files.list(base.resolve('running')).noneMatch { it.fileName.toString().startsWith('.owui') }
return true
