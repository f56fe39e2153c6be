import java.nio.file.*

// A Unix user with a crontab line of its own stands in for the server; the sshd lets us in as it.
def base = basedir.toPath()
def run = { List cmd -> def p = cmd.execute(); p.waitForProcessOutput(System.out, System.err); p.exitValue() }
run(['userdel', '-r', 'owuiit'])
assert run(['useradd', '-m', '-s', '/bin/bash', '-p', '*', 'owuiit']) == 0  // '*': no password, but not locked (sshd refuses locked accounts)
def own = base.resolve('own.crontab')
Files.writeString(own, "MAILTO=\"\"\n17 * * * * /usr/bin/true # the user's own job\n")
assert run(['crontab', '-u', 'owuiit', own.toString()]) == 0
def startSshd = evaluate(new File(scriptsDir, 'sshd.groovy'))
def port = startSshd(base, 'owuiit')
Files.createDirectories(base.resolve('.mvn'))
Files.writeString(base.resolve('.mvn/maven.config'), "-Dit.ssh.port=${port}\n")
return true
