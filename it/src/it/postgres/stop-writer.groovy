import java.nio.file.*

// Evaluates to a closure stopping writer.sh: it finishes the transaction it is in (so committed.txt
// ends with a whole line) when the file `stop` appears; after 30 s it is killed. Idempotent.
return { Path base ->
    def pidFile = base.resolve('writer.pid')
    if (!Files.exists(pidFile)) {
        return
    }
    Files.writeString(base.resolve('stop'), '')
    ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent { p ->
        try {
            p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS)
        } catch (java.util.concurrent.TimeoutException e) {
            p.descendants().forEach { it.destroyForcibly() }
            p.destroyForcibly()
        }
    }
    Files.delete(pidFile)
}
