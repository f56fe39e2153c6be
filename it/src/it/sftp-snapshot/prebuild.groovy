import java.nio.file.*

// The sample instance, and a private OpenSSH sshd whose ssh config alias "nas" reaches it as root.
def base = basedir.toPath()
def copyTree = evaluate(new File(scriptsDir, 'copyTree.groovy'))
copyTree(Paths.get(sampleDir), base.resolve('data'))
Files.createDirectories(base.resolve('remote'))
def startSshd = evaluate(new File(scriptsDir, 'sshd.groovy'))
startSshd(base, 'root')
return true
