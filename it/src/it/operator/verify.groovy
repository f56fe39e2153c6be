import java.nio.file.*
import java.security.MessageDigest
import groovy.json.JsonSlurper

def sha(Path p) { MessageDigest.getInstance('SHA-256').digest(Files.readAllBytes(p)).encodeHex().toString() }
def ids(Path root) {
    Files.list(root).findAll { Files.isDirectory(it) && !it.fileName.toString().startsWith('.') }
            .collect { it.fileName.toString() }.sort()
}
// The format 3 backups (heads) of an instance folder, oldest first: what owui.format=auto writes at a new target.
def heads(Path root) {
    def dir = root.resolve('backups')
    Files.isDirectory(dir) ? Files.list(dir).collect { it.fileName.toString() }.findAll { it.endsWith('.json') }.collect { it - '.json' }.sort() : []
}
// The paths a format 3 backup holds: its entry chunks (FORMAT.md), each an object decoded with stock zstd.
def paths(Path root, String id) {
    def head = new groovy.json.JsonSlurper().parse(root.resolve("backups/${id}.json").toFile())
    assert head.chunkStorage == 'zstd'
    head.chunks.collectMany { c ->
        def p = ['zstd', '-dcq', root.resolve("objects/${c.object.substring(0, 2)}/${c.object}").toString()].execute()
        def lines = p.text.readLines().findAll { it }
        assert p.waitFor() == 0
        lines.collect { new groovy.json.JsonSlurper().parseText(it).path }
    }
}

def base = basedir.toPath()
def log = new File(basedir, 'build.log').text
// A message of its own, so a failure names the missing line instead of printing the whole log.
def has = { line -> assert log.contains(line.toString()) : "build.log lacks: ${line}" }
def live = base.resolve('sample/data')
def added = 'uploads/minutes-between-backups.txt'

// 1. The quickstart's backup, with the warning README explains (and the info line for the other way).
def quickstart = log.substring(0, log.indexOf('owui-operator-ops'))
assert quickstart =~ /\[WARNING\] 1 file row\(s\) name an upload that is not in uploads\/ \(e\.g\. uploads\/\S+_deleted-report-1\.pdf\)/ : 'the warning README explains'
assert quickstart.contains('[INFO] 1 upload(s) have no file row') : 'the info line README explains'
def warnings = quickstart.readLines().findAll { it.startsWith('[WARNING]') && !(it =~ /Could not validate|Checksum validation/) }
assert warnings.size() == 1 : "the quickstart prints one warning: ${warnings}"

// 2. Two backups at the pom's target, the second with the upload that arrived in between: format 3
//    (owui.format=auto at a new target), so heads in the repository and no trees.
def backupsRoot = base.resolve('sample/target/backups/sample')
def backups = heads(backupsRoot)
assert backups.size() == 2 : "two backups at the pom's target (the quickstart's and the ops pom's), nothing else: ${backups}"
assert Files.isRegularFile(backupsRoot.resolve('repository.json'))
assert ids(backupsRoot).findAll { it ==~ /\d{8}T\d{6}Z.*/ }.isEmpty() : 'no format 2 tree at the pom\'s target'
assert !paths(backupsRoot, backups[0]).contains(added)
assert paths(backupsRoot, backups[1]).contains(added)
// owui:diff between them names the upload, and only it was added.
has("backup ${backups[0]} → ${backups[1]} of instance 'sample'")
assert log =~ /files: 1 added \(\+\d+ B\), 0 removed, 0 changed/ : 'diff: the one upload added, nothing else'
has("+ ${added}")
// owui:verify re-reads the newest; owui:prune -Dowui.dryRun says what it would remove and removes nothing.
has("backup ${backups[1]} is whole")
has('dry run: would prune ')
assert log =~ /would remove \d+ of 2 backup\(s\)/ : 'the dry run counts both backups'
// owui:restore -Dowui.paths -Dowui.output: that one file, byte for byte, beside the instance.
def one = base.resolve('restored-one').resolve(added)
assert Files.isRegularFile(one)
assert sha(one) == sha(base.resolve('between-backups/minutes-between-backups.txt'))
assert Files.list(base.resolve('restored-one/uploads')).count() == 1 : 'only the chosen file is restored'
has("restored 1 file(s) of backup ${backups[1]}")

// 3. -Dowui.target=other wins over the pom's target for backup, list and export-chats, and says so.
def other = heads(base.resolve('other/sample'))
assert other.size() == 1 && !backups.contains(other[0])
has("owui.target from the command line, not the pom's <target>")
def listed = log.substring(log.indexOf("backups of instance 'sample' at "))
listed = listed.substring(0, listed.indexOf('export-chats'))
assert listed.readLines()[0].contains('other') : "list names the command line's target: ${listed.readLines()[0]}"
assert listed.contains(other[0]) && !backups.any { listed.contains(it) } : "list shows the other target's backup only:\n${listed}"
def chats = new JsonSlurper().parse(base.resolve('chats.json').toFile())
def title = ['sqlite3', '-readonly', base.resolve('chat-probe.db').toString(),
             "select title from chat where id = '46639273-940b-4828-a7ae-f589e831a434'"].execute().text.trim()
assert chats.size() == 1 && chats[0].id == '46639273-940b-4828-a7ae-f589e831a434' && chats[0].title == title
assert chats[0].chat instanceof Map : 'the chat JSON as Open WebUI stores it'

// 4. -Dowui.targt: refused before anything happened, with the property meant.
has('owui.targt: no such parameter; did you mean owui.target?')
assert !Files.exists(base.resolve('elsewhere'))
assert heads(backupsRoot) == backups && heads(base.resolve('other/sample')) == other : 'nothing written'

// 5. A target that does not exist is an error for list, not an empty listing; nothing is created.
assert log =~ /target missing \(\S+\/missing\) does not exist/ : 'list on a missing target fails naming it'
assert !Files.exists(base.resolve('missing'))

// 6. owui:restore -Dowui.dataDir=fresh with the pom's <dataDir> naming the live instance: the
//    command line wins, the new directory gets the newest backup, the live one is left as it was.
has("owui.dataDir from the command line, not the pom's <dataDir>")
has("restored backup ${backups[1]}")
def fresh = base.resolve('fresh')
assert sha(fresh.resolve(added)) == sha(live.resolve(added))
assert Files.isRegularFile(fresh.resolve('webui.db'))
// The live copy: what it was before the goals, plus the upload goal 2 added; every byte and time.
def state = evaluate(new File(basedir, 'tree-state.groovy'))
def before = new JsonSlurper().parse(base.resolve('live-before.json').toFile())
def after = state(live)
assert after.remove(added) != null
def extra = after.keySet() - before.keySet(), gone = before.keySet() - after.keySet()
assert extra.isEmpty() && gone.isEmpty() : "the live copy changed: added ${extra}, removed ${gone}"
def changed = before.keySet().findAll { before[it] != after[it] }
assert changed.isEmpty() : "the live copy's files changed (content or time): ${changed}"
assert !Files.list(base.resolve('sample')).anyMatch { it.fileName.toString().contains('before-restore') }

// 7, 8. The CI job's reports: one JSON document per goal, private, naming what was done.
def backupReport = new JsonSlurper().parse(base.resolve('owui-backup-report.json').toFile())
assert backupReport.schema == 'owui-report' && backupReport.schemaVersion == 1
assert backupReport.goal == 'backup' && backupReport.result == 'success' : "backup report: ${backupReport}"
assert heads(base.resolve('ci/sample')).size() == 1 : 'the CI job wrote its own target'

// 9-11. Format 3: a repository, not trees; the second backup shares everything; restore gives the files back.
def repo = base.resolve('f3/sample')
assert Files.isRegularFile(repo.resolve('repository.json'))
def heads = Files.list(repo.resolve('backups')).collect { it.fileName.toString() }.sort()
assert heads.size() == 2 : "two format 3 backups: ${heads}"
assert ids(repo).findAll { it ==~ /\d{8}T\d{6}Z.*/ }.isEmpty() : 'no format 2 tree beside the repository'
has('SAME')
def restored = base.resolve('f3-restored')
assert sha(restored.resolve(added)) == sha(live.resolve(added))
def liveUploads = Files.list(live.resolve('uploads')).collect { it.fileName.toString() }.sort()
assert Files.list(restored.resolve('uploads')).collect { it.fileName.toString() }.sort() == liveUploads
assert Files.isRegularFile(restored.resolve('webui.db'))
def verifyReport = new JsonSlurper().parse(base.resolve('owui-verify-report.json').toFile())
assert verifyReport.goal == 'verify' && verifyReport.result == 'success' : "verify report: ${verifyReport}"
assert java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(base.resolve('owui-backup-report.json'))) == 'rw-------'
return true
