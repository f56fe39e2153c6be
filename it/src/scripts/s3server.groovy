import java.nio.file.*

// Starts S3Proxy (a real S3 API over a filesystem blob store) on a free loopback port inside the
// invoker's JVM, creates the buckets, and writes the endpoint into the project's .mvn/maven.config
// as -Dit.s3.endpoint=… so its pom can name it. The proxy is kept in a system property under the
// project's directory; stopS3(base) in verify.groovy stops it. Credentials: the settings.xml server
// it-s3 (access key "it-access", secret "it-secret").
return { Path base, List<String> buckets ->
    def store = Files.createDirectories(base.resolve('s3data'))
    buckets.each { Files.createDirectories(store.resolve(it)) }
    def props = new Properties()
    props.setProperty('jclouds.filesystem.basedir', store.toString())
    def blobStore = org.jclouds.ContextBuilder.newBuilder('filesystem').overrides(props)
            .build(org.jclouds.blobstore.BlobStoreContext).getBlobStore()
    def port = new ServerSocket(0, 1, InetAddress.getByName('127.0.0.1')).withCloseable { it.localPort }
    def proxy = org.gaul.s3proxy.S3Proxy.builder().blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:${port}"))
            .awsAuthentication(org.gaul.s3proxy.AuthenticationType.AWS_V2_OR_V4, 'it-access', 'it-secret')
            .build()
    proxy.start()
    for (int i = 0; i < 100 && proxy.getState() != 'STARTED'; i++) { Thread.sleep(50) }
    System.getProperties().put('owui.it.s3proxy.' + base, proxy)
    Files.createDirectories(base.resolve('.mvn'))
    Files.writeString(base.resolve('.mvn/maven.config'), "-Dit.s3.endpoint=http://127.0.0.1:${port}\n")
    return "http://127.0.0.1:${port}"
}
