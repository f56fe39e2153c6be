// Shared by the IT projects' prebuild scripts: evaluates to a closure that copies a directory tree
// (symlinks as symlinks, times kept), used to give each project its own copy of the sample instance.
import java.nio.file.*

return { Path src, Path dst ->
    Files.walk(src).forEach { p ->
        def q = dst.resolve(src.relativize(p).toString())
        if (Files.isSymbolicLink(p)) { Files.createSymbolicLink(q, Files.readSymbolicLink(p)) }
        else if (Files.isDirectory(p)) { Files.createDirectories(q) }
        else { Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES) }
    }
}
