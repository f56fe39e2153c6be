package dev.owui.backup.repo.chunks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GearChunkerTest {
    static List<byte[]> split(byte[] data) throws IOException {
        // a stream that gives few bytes per read, as a pipe or a socket may
        InputStream in = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
        GearChunker c = new GearChunker(in);
        List<byte[]> out = new ArrayList<>();
        for (byte[] b; (b = c.next()) != null; ) {
            out.add(b);
        }
        return out;
    }

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void thePiecesConcatenateToTheInputWithinTheSizes() throws IOException {
        byte[] d = data(3_000_000, 1);
        List<byte[]> pieces = split(d);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < pieces.size(); i++) {
            byte[] p = pieces.get(i);
            assertTrue(p.length <= GearChunker.MAX, "at most max");
            assertTrue(i == pieces.size() - 1 || p.length >= GearChunker.MIN, "at least min, but the last");
            all.write(p);
        }
        assertArrayEquals(d, all.toByteArray());
        double avg = (double) d.length / pieces.size();
        assertTrue(avg > GearChunker.AVG / 2.0 && avg < GearChunker.AVG * 2.0, "about the average: " + avg);
        assertEquals(0, split(new byte[0]).size());
        assertEquals(1, split(new byte[10]).size());
    }

    /** The property dumps need: an insertion moves cut points only near it. */
    @Test
    void anInsertionChangesOnlyThePiecesAroundIt() throws IOException {
        byte[] d = data(2_000_000, 2);
        byte[] changed = new byte[d.length + 100];
        System.arraycopy(d, 0, changed, 0, 1_000_000);
        System.arraycopy(data(100, 3), 0, changed, 1_000_000, 100);
        System.arraycopy(d, 1_000_000, changed, 1_000_100, 1_000_000);
        Set<String> before = new HashSet<>();
        split(d).forEach(p -> before.add(java.util.HexFormat.of().formatHex(p)));
        long fresh = 0;
        for (byte[] p : split(changed)) {
            if (!before.contains(java.util.HexFormat.of().formatHex(p))) {
                fresh += p.length;
            }
        }
        assertTrue(fresh <= 3L * GearChunker.MAX, "only the pieces around the insertion are new: " + fresh);
    }

    @Test
    void theGearTableIsTheDocumentedOne() {
        // SplitMix64 from seed 0: its first outputs are well known
        assertEquals(0xE220A8397B1DCDAFL, GearChunker.GEAR[0]);
        assertEquals(0x6E789E6AA1B965F4L, GearChunker.GEAR[1]);
    }
}
