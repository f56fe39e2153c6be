import java.nio.file.*

// Starts S3Proxy (a real S3 API over a filesystem blob store) as its own JVM on a free loopback
// port, creates the buckets, and writes the endpoint into the project's .mvn/maven.config as
// -Dit.s3.endpoint=… so its pom can name it. verify.groovy stops it with stopS3(base).
// Credentials: the settings.xml server it-s3 (access key "it-access", secret "it-secret").
// Called as start(base, buckets, classpathFile).
return { Path base, List<String> buckets, String classpathFile ->
    def store = Files.createDirectories(base.resolve('s3data'))
    buckets.each { Files.createDirectories(store.resolve(it)) }
    def port = new ServerSocket(0, 1, InetAddress.getByName('127.0.0.1')).withCloseable { it.localPort }
    def conf = base.resolve('s3proxy.conf')
    Files.writeString(conf, """s3proxy.endpoint=http://127.0.0.1:${port}
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=it-access
s3proxy.credential=it-secret
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=${store}
""")
    def java = Paths.get(System.getProperty('java.home'), 'bin', 'java').toString()
    def cp = Files.readString(Paths.get(classpathFile)).trim()
    def log = base.resolve('s3proxy.log').toFile()
    def proc = new ProcessBuilder(java, '-Xmx256m', '-cp', cp, 'org.gaul.s3proxy.Main', '--properties', conf.toString())
            .redirectErrorStream(true).redirectOutput(log).start()
    Files.writeString(base.resolve('s3proxy.pid'), proc.pid().toString())
    // A cold JVM on a loaded 2-core machine can take tens of seconds to listen: wait up to 90 s,
    // and fail here, not later with 'connection refused' from the plugin.
    boolean up = false
    for (int i = 0; i < 900 && !up; i++) {
        try { new Socket('127.0.0.1', port).close(); up = true } catch (IOException e) {
            assert proc.isAlive() : "S3Proxy exited: ${log.text}"
            Thread.sleep(100)
        }
    }
    assert up : "S3Proxy did not listen on port ${port} within 90 s: ${log.text}"
    Files.createDirectories(base.resolve('.mvn'))
    Files.writeString(base.resolve('.mvn/maven.config'), "-Dit.s3.endpoint=http://127.0.0.1:${port}\n")
    return "http://127.0.0.1:${port}"
}
