import java.nio.file.*
import java.security.SecureRandom

// A throwaway PostgreSQL cluster for an IT, made as the plugin's tests make theirs
// (testkit/PostgresServer): Debian's newest /usr/lib/postgresql/<major>/bin (package postgresql,
// which .ci/run installs), a free loopback port, SCRAM passwords on TCP and the socket, the
// superuser postgres (a random password) and an application role owning one database.
// initdb and postgres refuse to run as root: as root (CI) the cluster belongs to `nobody` and each
// server command runs through `runuser -u nobody`. The cluster lives in a short temp folder, not
// under the IT's basedir: its socket path must fit 107 bytes, and `nobody` must be able to enter it
// (not so under /root or many CI workspaces). <base>/pg.dir names it, written before anything
// starts, so stop(base) finds a half-started cluster too.
//
// Evaluates to a map of closures:
//   start(base, role, password, database) -> port   starts it, the role and its database
//   stop(base)                                       pg_ctl stop -m immediate, deletes the folder; idempotent
//   psql(port, user, password, database, sql) -> stdout (unaligned, tuples only; fails on any error)
//   bin() -> the server's bin folder (its psql for a client of its own)
def serverBin = {
    def root = Paths.get('/usr/lib/postgresql')
    def bins = Files.isDirectory(root) ? Files.list(root).withCloseable { s ->
        s.filter { it.fileName.toString() ==~ /\d+/ }.map { it.resolve('bin') }
                .filter { Files.isExecutable(it.resolve('initdb')) && Files.isExecutable(it.resolve('pg_ctl')) }.toList()
    } : []
    assert !bins.isEmpty() : "this IT needs Debian's PostgreSQL server: no /usr/lib/postgresql/<major>/bin/initdb and pg_ctl. " +
            "Install it with 'apt-get install postgresql' (.ci/run does)"
    bins.max { Integer.parseInt(it.parent.fileName.toString()) }
}
def asRoot = System.getProperty('user.name') == 'root'
def runAs = 'nobody'

// Runs a command (a server binary as `nobody` when we are root) with no inherited PG* variables;
// `env` adds some (PGPASSWORD for psql), `input` is fed on stdin (SQL: never in argv, where ps shows it).
def run = { List<String> command, Path dir, Map<String, String> env = [:], String input = null, boolean server = true ->
    def cmd = (server && asRoot ? ['runuser', '-u', runAs, '--'] : []) + command
    def pb = new ProcessBuilder(cmd)
    pb.environment().keySet().removeIf { it.startsWith('PG') }
    pb.environment().put('LC_ALL', 'C')
    pb.environment().putAll(env)
    pb.directory(dir.toFile()) // a folder the server's user may enter (not root's home)
    // Output into files, not pipes: no reader threads to race with, and a hung command cannot block on a full pipe.
    def out = Files.createTempFile('owui-pgit-out-', '.txt'), err = Files.createTempFile('owui-pgit-err-', '.txt')
    try {
        def p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start()
        p.outputStream.withCloseable { if (input != null) { it.write(input.getBytes('UTF-8')) } }
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly()
            assert false : "${command.join(' ')} did not finish in 120 s"
        }
        def text = Files.readString(out)
        assert p.exitValue() == 0 : "${command.join(' ')} failed (exit ${p.exitValue()}): ${text}${Files.readString(err)}"
        text
    } finally {
        Files.deleteIfExists(out)
        Files.deleteIfExists(err)
    }
}
def deleteTree = { Path root ->
    if (root != null && Files.exists(root)) {
        Files.walk(root).withCloseable { s -> s.sorted(Comparator.reverseOrder()).toList() }.each { Files.deleteIfExists(it) }
    }
}
def psql = { int port, String user, String password, String database, String sql ->
    def bin = serverBin()
    run([bin.resolve('psql').toString(), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', port.toString(),
         '-U', user, '-d', database, '-f', '-'], Paths.get(System.getProperty('java.io.tmpdir')), [PGPASSWORD: password], sql, false)
}

def start = { Path base, String role, String password, String database ->
    def bin = serverBin()
    def dir = Files.createTempDirectory('owui-pgit-')
    Files.writeString(base.resolve('pg.dir'), dir.toString())
    if (asRoot) {
        Files.setOwner(dir, dir.fileSystem.userPrincipalLookupService.lookupPrincipalByName(runAs))
    }
    def data = dir.resolve('data')
    def superPassword = 'pw' + new BigInteger(96, new SecureRandom()).toString(16)
    def pw = dir.resolve('pwfile')
    Files.writeString(pw, superPassword + '\n')
    if (asRoot) {
        Files.setOwner(pw, pw.fileSystem.userPrincipalLookupService.lookupPrincipalByName(runAs))
    }
    run([bin.resolve('initdb').toString(), '-D', data.toString(), '-U', 'postgres', "--pwfile=${pw}".toString(),
         '--auth-local=scram-sha-256', '--auth-host=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync'], dir)
    Files.delete(pw)
    // A port that was free a moment ago can be taken before postgres binds it: three tries.
    int port = -1
    for (int attempt = 0; attempt < 3 && port < 0; attempt++) {
        int candidate = new ServerSocket(0, 1, InetAddress.getByName('127.0.0.1')).withCloseable { it.localPort }
        // fsync and friends off: the cluster is thrown away, and the machine is shared.
        def opts = "-c listen_addresses=127.0.0.1 -c port=${candidate} -c unix_socket_directories=${dir} -c fsync=off" +
                " -c synchronous_commit=off -c full_page_writes=off -c max_connections=40 -c shared_buffers=16MB" +
                " -c log_min_messages=warning"
        try {
            run([bin.resolve('pg_ctl').toString(), '-D', data.toString(), '-l', dir.resolve('server.log').toString(),
                 '-w', '-t', '60', '-o', opts.toString(), 'start'], dir)
            port = candidate
        } catch (AssertionError e) {
            if (attempt == 2) {
                throw new AssertionError("PostgreSQL did not start: ${e.message}\n${Files.exists(dir.resolve('server.log')) ? Files.readString(dir.resolve('server.log')) : ''}", e)
            }
        }
    }
    // The role's password on stdin, never in argv. The role may CREATEDB: a restore creates its database,
    // verify a scratch one.
    psql(port, 'postgres', superPassword, 'postgres', """
CREATE ROLE "${role}" LOGIN CREATEDB PASSWORD '${password.replace("'", "''")}';
CREATE DATABASE "${database}" OWNER "${role}";
""")
    port
}

def stop = { Path base ->
    def named = base.resolve('pg.dir')
    if (!Files.exists(named)) {
        return
    }
    def dir = Paths.get(Files.readString(named).trim())
    try {
        if (Files.exists(dir.resolve('data/postmaster.pid'))) {
            // immediate: no checkpoint, the data is thrown away
            run([serverBin().resolve('pg_ctl').toString(), '-D', dir.resolve('data').toString(), '-m', 'immediate', '-w', 'stop'], dir)
        }
    } finally {
        deleteTree(dir)
        Files.deleteIfExists(named)
    }
}

return [start: start, stop: stop, psql: psql, bin: serverBin]
