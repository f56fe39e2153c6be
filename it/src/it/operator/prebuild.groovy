import java.nio.file.*

// The repository's sample/ as the quickstart has it (its pom and data/), the ops pom beside it, and
// the new, empty directory the last step restores into.
def copyTree = evaluate(new File(scriptsDir, 'copyTree.groovy'))
def sample = basedir.toPath().resolve('sample')
copyTree(Paths.get(sampleDir), sample.resolve('data'))
Files.copy(Paths.get(sampleDir).resolveSibling('pom.xml'), sample.resolve('pom.xml'))
Files.createDirectories(basedir.toPath().resolve('fresh'))

// What the live copy holds now (path, SHA-256, time), for verify.groovy to find it unchanged after
// the goals (but for the upload goal 2 adds) and the restore aimed elsewhere.
def state = evaluate(new File(basedir, 'tree-state.groovy'))
new File(basedir, 'live-before.json').text = groovy.json.JsonOutput.toJson(state(sample.resolve('data')))

// invoker.properties exports this chat by id: the sample must still hold it (a regenerated sample
// changes the ids; then put one of `sqlite3 sample/data/webui.db 'select id from chat'` there).
def chatId = '46639273-940b-4828-a7ae-f589e831a434'
// Asked of a copy: sqlite3 may leave -wal/-shm beside a WAL database it opened, and the live copy
// must hold only what the goals did to it (verify.groovy checks it byte for byte).
def probe = basedir.toPath().resolve('chat-probe.db')
Files.copy(sample.resolve('data/webui.db'), probe)
def found = ['sqlite3', '-readonly', probe.toString(), "select count(*) from chat where id = '${chatId}'"]
        .execute().text.trim()
assert found == '1' : "the sample's webui.db has no chat ${chatId}: update invoker.properties (goals.3)"
return true
