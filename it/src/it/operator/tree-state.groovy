// Evaluates to a closure: a directory tree's state as {relative path: "sha256 mtime" (files) or
// "dir"/"link -> target"}, for comparing a tree before and after the goals.
import java.nio.file.*
import java.security.MessageDigest

return { Path root ->
    def out = new TreeMap<String, String>()
    Files.walk(root).forEach { p ->
        def rel = root.relativize(p).toString()
        if (Files.isSymbolicLink(p)) { out[rel] = 'link -> ' + Files.readSymbolicLink(p) }
        else if (Files.isDirectory(p)) { out[rel] = 'dir' }
        else {
            def sha = MessageDigest.getInstance('SHA-256').digest(Files.readAllBytes(p)).encodeHex().toString()
            out[rel] = sha + ' ' + Files.getLastModifiedTime(p).toInstant()
        }
    }
    out
}
