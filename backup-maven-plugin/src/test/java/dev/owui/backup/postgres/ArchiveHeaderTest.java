package dev.owui.backup.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The header layouts pg_dump writes: up to archive 1.14 (pg_dump 15, which the server tests run)
 * the compression is an int; from 1.15 (pg_dump 16) one byte. Built here byte by byte, because
 * only one PostgreSQL version is installed where the tests run.
 */
class ArchiveHeaderTest {

    private static byte[] header(int minor, int[] time) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("PGDMP".getBytes(StandardCharsets.US_ASCII));
        b.write(1);
        b.write(minor);
        b.write(0);
        b.write(4); // intSize
        b.write(8); // offSize
        b.write(1); // custom format
        if (minor >= 15) {
            b.write(1); // compression algorithm: gzip
        } else {
            writeInt(b, -1); // Z_DEFAULT_COMPRESSION
        }
        for (int v : time) {
            writeInt(b, v);
        }
        byte[] db = "openwebui".getBytes(StandardCharsets.UTF_8);
        writeInt(b, db.length);
        b.writeBytes(db);
        b.writeBytes(new byte[40]); // the rest of the archive
        return b.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream b, int v) {
        b.write(v < 0 ? 1 : 0);
        int a = Math.abs(v);
        for (int i = 0; i < 4; i++) {
            b.write((a >>> (8 * i)) & 0xff);
        }
    }

    private static final int[] THEN = {26, 53, 15, 28, 10, 126, 0}; // 2026-11-28 15:53:26
    private static final int[] EPOCH = {0, 0, 0, 1, 0, 70, 0};

    @Test
    void fixesTheCreationTimeOfEveryKnownLayout(@TempDir Path dir) throws Exception {
        for (int minor : new int[] {12, 14, 15, 16}) {
            Path f = dir.resolve("v" + minor);
            Files.write(f, header(minor, THEN));
            assertTrue(ArchiveHeader.normalizeCreationTime(f), "1." + minor);
            assertArrayEquals(header(minor, EPOCH), Files.readAllBytes(f), "1." + minor + ": only the time changed");
        }
    }

    @Test
    void leavesUnknownVersionsAndOtherFilesAlone(@TempDir Path dir) throws Exception {
        Path newer = dir.resolve("v17");
        byte[] v17 = header(17, THEN);
        Files.write(newer, v17);
        assertFalse(ArchiveHeader.normalizeCreationTime(newer));
        assertArrayEquals(v17, Files.readAllBytes(newer));

        Path sql = dir.resolve("plain.sql");
        byte[] text = "--\n-- PostgreSQL database dump\n--\n".getBytes(StandardCharsets.UTF_8);
        Files.write(sql, text);
        assertFalse(ArchiveHeader.normalizeCreationTime(sql));
        assertArrayEquals(text, Files.readAllBytes(sql));

        Path tiny = dir.resolve("tiny");
        byte[] cut = Arrays.copyOf(header(14, THEN), 20);
        Files.write(tiny, cut);
        assertFalse(ArchiveHeader.normalizeCreationTime(tiny));
        assertArrayEquals(cut, Files.readAllBytes(tiny));
    }
}
