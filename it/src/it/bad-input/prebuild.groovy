import java.nio.file.*

def base = basedir.toPath()
def copyTree = evaluate(new File(scriptsDir, 'copyTree.groovy'))
def sample = Paths.get(sampleDir)
copyTree(sample, base.resolve('data'))
copyTree(sample, base.resolve('running'))
copyTree(sample, base.resolve('corrupt'))
Files.createDirectories(base.resolve('empty'))
Files.createDirectories(base.resolve('not-sqlite'))
Files.write(base.resolve('not-sqlite/webui.db'), 'this is not a database\n'.bytes)
Files.write(base.resolve('a-file'), 'a file where the target directory should be\n'.bytes)

// Damage webui.db's b-tree pages (not its header), as a bad disk would.
def db = base.resolve('corrupt/webui.db')
def bytes = Files.readAllBytes(db)
for (int i = 4096; i < bytes.length; i += 4096) {
    for (int j = 0; j < 64; j++) { bytes[i + j] = (byte) 0x5A }
}
Files.write(db, bytes)

// A "running instance": a process holding webui.db open, as Open WebUI does.
def holder = ['bash', '-c', 'exec 3<"$1"; exec sleep 300', 'holder', base.resolve('running/webui.db').toString()].execute()
Files.write(base.resolve('holder.pid'), holder.pid().toString().bytes)
Thread.sleep(300)
return true
