package dev.owui.backup.repo.backup;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a format 3 backup, one JSON line of a chunk (FORMAT.md, "A backup: the head and
 * its entry chunks"). Fields a type does not use are absent from its line.
 *
 * @param path       relative, '/'-separated; entries of a backup are in PathOrder
 * @param type       {@link #FILE}, {@link #DIR}, {@link #SYMLINK}, {@link #SQLITE}, {@link #SECRET_KEY}, {@link #PG_DUMP} or {@link #EXTERNAL}
 * @param size       content size (file, sqlite, secret-key)
 * @param sha256     plain SHA-256 of the content (for sqlite: of the whole database as captured)
 * @param mtime      modification time, full precision
 * @param mode       POSIX permissions, e.g. "rw-r--r--"
 * @param storage    plain, zstd, pgp or zstd+pgp: how the entry's objects are encoded
 * @param object     the content's object (file, secret-key)
 * @param storedSize the stored size of {@code object}
 * @param linkTarget a symlink's target
 * @param pageSize   sqlite: page size in bytes
 * @param pageCount  sqlite: pages in the database as captured
 * @param pageMap    sqlite: the object holding the capture's page map
 * @param layers     sqlite: the image, then the page sets to apply in order
 * @param etag       external: the object's ETag at the provider as it was read (quotes removed), so the next
 *                   backup can tell an unchanged object from its listing without reading it
 * @param chunks     pg-dump: the content's pieces in order (content-defined cuts); the content is their
 *                   concatenation, so a changed dump stores only the pieces that changed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Entry(String path, String type, Long size, String sha256, Instant mtime, String mode, String storage,
                    String object, Long storedSize, String linkTarget, Integer pageSize, Long pageCount, String pageMap,
                    List<Layer> layers, String etag, List<Chunk> chunks) {
    public static final String FILE = "file";
    public static final String DIR = "dir";
    public static final String SYMLINK = "symlink";
    public static final String SQLITE = "sqlite";
    public static final String SECRET_KEY = "secret-key";
    /**
     * A PostgreSQL dump (or one file of a directory-format dump) of the instance's database,
     * under {@code _outside-data-dir/postgres/}: never restored into the data directory. A type
     * of its own, so a version that does not know it refuses the backup instead of restoring an
     * instance without its database.
     */
    public static final String PG_DUMP = "pg-dump";
    /** The folder of the PostgreSQL dumps among a backup's entries (not a folder of the data directory). */
    public static final String PG_DUMPS = "_outside-data-dir/postgres/";
    /**
     * An upload Open WebUI keeps in object storage (STORAGE_PROVIDER=s3), under
     * {@code _outside-data-dir/object-storage/s3/<bucket>/<key>}: not part of the data directory, so
     * restore puts it back into a bucket or beside the data directory, never into it.
     */
    public static final String EXTERNAL = "external";

    /**
     * A layer of a database.
     *
     * @param kind   {@link #IMAGE} or {@link #PAGES}
     * @param object the layer's object
     * @param runs   for page sets: {@code [first page (1-based), count]} in ascending order
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Layer(String kind, String object, List<long[]> runs) {
        public static final String IMAGE = "image";
        public static final String PAGES = "pages";
    }

    /**
     * A piece of a chunked content.
     *
     * @param object     its object
     * @param size       its plain size
     * @param sha256     its plain SHA-256 (how an encrypted piece, whose object name is new at every write, is reused)
     * @param storedSize its object's size
     */
    public record Chunk(String object, long size, String sha256, long storedSize) {
    }

    public static Entry file(String path, long size, String sha256, Instant mtime, String mode, String storage, String object, long storedSize) {
        return new Entry(path, FILE, size, sha256, mtime, mode, storage, object, storedSize, null, null, null, null, null, null, null);
    }

    public static Entry secretKey(String path, long size, String sha256, Instant mtime, String mode, String storage, String object, long storedSize) {
        return new Entry(path, SECRET_KEY, size, sha256, mtime, mode, storage, object, storedSize, null, null, null, null, null, null, null);
    }

    public static Entry external(String path, long size, String sha256, Instant lastModified, String storage, String object, long storedSize,
                                 String etag) {
        return new Entry(path, EXTERNAL, size, sha256, lastModified, null, storage, object, storedSize, null, null, null, null, null, etag, null);
    }

    /** A dump (or a file of a directory-format dump) as its pieces in order; {@code size} and {@code sha256} are the whole's. */
    public static Entry pgDump(String path, long size, String sha256, String storage, List<Chunk> chunks) {
        return new Entry(path, PG_DUMP, size, sha256, null, "rw-------", storage, null, null, null, null, null, null, null, null,
                List.copyOf(chunks));
    }

    public static Entry dir(String path, Instant mtime, String mode) {
        return new Entry(path, DIR, null, null, mtime, mode, null, null, null, null, null, null, null, null, null, null);
    }

    public static Entry symlink(String path, String linkTarget, Instant mtime, String mode) {
        return new Entry(path, SYMLINK, null, null, mtime, mode, null, null, null, linkTarget, null, null, null, null, null, null);
    }

    public static Entry sqlite(String path, long size, String sha256, Instant mtime, String mode, String storage,
                               int pageSize, long pageCount, String pageMap, List<Layer> layers) {
        return new Entry(path, SQLITE, size, sha256, mtime, mode, storage, null, null, null, pageSize, pageCount, pageMap, List.copyOf(layers), null, null);
    }

    /** Every object this entry needs: its content, its content's pieces, or a database's page map and layers. */
    @JsonIgnore
    public List<String> objects() {
        List<String> out = new ArrayList<>(2);
        if (object != null) {
            out.add(object);
        }
        if (pageMap != null) {
            out.add(pageMap);
        }
        if (layers != null) {
            for (Layer l : layers) {
                out.add(l.object());
            }
        }
        if (chunks != null) {
            for (Chunk c : chunks) {
                out.add(c.object());
            }
        }
        return out;
    }

    /** The stored size the entry records for {@code obj} (its content or a piece of it), else null. */
    @JsonIgnore
    public Long storedSizeOf(String obj) {
        if (obj.equals(object)) {
            return storedSize;
        }
        if (chunks != null) {
            for (Chunk c : chunks) {
                if (c.object().equals(obj)) {
                    return c.storedSize();
                }
            }
        }
        return null;
    }
}
