import java.nio.file.*

// A private OpenSSH sshd on a free loopback port, with its own host and user keys, a known_hosts
// that trusts it and an ssh config whose alias "nas" logs in as `user`: what an operator's NAS or
// server looks like. Writes <base>/sshd.pid (verify.groovy kills it) and returns the port.
// Needs Debian's openssh-server and root (sshd's privilege separation); CI has both.
return { Path base, String user ->
    def ssh = Files.createDirectories(base.resolve('ssh'))
    def run = { List cmd -> def p = cmd.execute(); p.waitForProcessOutput(System.out, System.err); assert p.exitValue() == 0 : "${cmd} failed" }
    run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', ssh.resolve('host_ed25519').toString()])
    run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', ssh.resolve('user_ed25519').toString()])
    Files.copy(ssh.resolve('user_ed25519.pub'), ssh.resolve('authorized_keys'))
    def port = new ServerSocket(0, 1, InetAddress.getByName('127.0.0.1')).withCloseable { it.localPort }
    Files.writeString(ssh.resolve('sshd_config'), """Port ${port}
ListenAddress 127.0.0.1
HostKey ${ssh.resolve('host_ed25519')}
AuthorizedKeysFile ${ssh.resolve('authorized_keys')}
PidFile ${ssh.resolve('sshd.pid')}
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
Subsystem sftp internal-sftp
""")
    def hostKey = Files.readString(ssh.resolve('host_ed25519.pub')).trim().split(/\s+/)
    Files.writeString(ssh.resolve('known_hosts'), "[127.0.0.1]:${port} ${hostKey[0]} ${hostKey[1]}\n")
    Files.writeString(ssh.resolve('config'), """Host nas
  HostName 127.0.0.1
  Port ${port}
  User ${user}
  IdentityFile ${ssh.resolve('user_ed25519')}
Host 127.0.0.1
  IdentityFile ${ssh.resolve('user_ed25519')}
""")
    Files.createDirectories(Paths.get('/run/sshd'))
    def sshd = ['/usr/sbin/sshd', '-D', '-e', '-f', ssh.resolve('sshd_config').toString()].execute()
    sshd.consumeProcessOutput(new FileOutputStream(ssh.resolve('sshd.log').toFile()), new FileOutputStream(ssh.resolve('sshd.log').toFile(), true))
    Files.writeString(base.resolve('sshd.pid'), sshd.pid().toString())
    for (int i = 0; i < 100; i++) {
        try { new Socket('127.0.0.1', port).close(); return port } catch (IOException e) { Thread.sleep(50) }
    }
    assert false : "sshd did not start: ${Files.readString(ssh.resolve('sshd.log'))}"
}
