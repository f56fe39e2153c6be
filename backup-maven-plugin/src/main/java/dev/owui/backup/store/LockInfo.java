package dev.owui.backup.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;

/**
 * Who holds a lock: host, pid, when the lock was taken and when that process started (so a pid
 * reused by another process after a crash is not mistaken for the holder).
 */
public record LockInfo(String host, long pid, String processStart, String lockedAt, String tool) {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    public static LockInfo current(String tool) {
        ProcessHandle self = ProcessHandle.current();
        return new LockInfo(hostName(), self.pid(),
                self.info().startInstant().map(Instant::toString).orElse(null), Instant.now().toString(), tool);
    }

    public byte[] toJson() {
        try {
            return MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a lock file's content; empty when it is not a lock we wrote (damaged, truncated). */
    public static Optional<LockInfo> parse(byte[] json) {
        try {
            return Optional.of(MAPPER.readValue(json, LockInfo.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * True only when the holder is provably gone: same host, and no process with that pid, or a
     * process that started after the lock was taken. A lock from another host is never judged
     * stale here: we cannot see its processes.
     */
    public boolean provablyDead() {
        if (!hostName().equals(host)) {
            return false;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return true;
        }
        Optional<Instant> started = p.get().info().startInstant();
        return processStart != null && started.isPresent() && !started.get().toString().equals(processStart);
    }

    public String describe() {
        return "pid " + pid + " on " + host + " since " + lockedAt;
    }

    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
