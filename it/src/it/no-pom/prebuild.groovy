import java.nio.file.*

// The bundled sample instance, plus a scratch upload the pom excludes and a secret key file.
def src = Paths.get(sampleDir)
def dst = basedir.toPath().resolve('data')
Files.walk(src).forEach { p ->
    def q = dst.resolve(src.relativize(p).toString())
    if (Files.isSymbolicLink(p)) { Files.createSymbolicLink(q, Files.readSymbolicLink(p)) }
    else if (Files.isDirectory(p)) { Files.createDirectories(q) }
    else { Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES) }
}
Files.write(dst.resolve('uploads/scratch.tmp'), 'partial upload'.bytes)
Files.createDirectories(basedir.toPath().resolve('secret'))
Files.write(basedir.toPath().resolve('secret/.webui_secret_key'), 'k3y'.bytes)
return true
