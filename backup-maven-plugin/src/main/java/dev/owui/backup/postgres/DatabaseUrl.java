package dev.owui.backup.postgres;

import dev.owui.backup.OwuiException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A PostgreSQL connection as Open WebUI's {@code DATABASE_URL} names it:
 * {@code postgresql://user:password@host:port/database?sslmode=require}, also {@code postgres://}
 * (Open WebUI rewrites it to postgresql://) and SQLAlchemy's dialect+driver form
 * ({@code postgresql+psycopg2://}). User and password may be percent-encoded, as SQLAlchemy
 * expects for passwords with {@code @ : /}.
 *
 * <p>The password is held but never shown: {@link #toString()} and every message this class
 * builds print {@code ***} in its place, and errors about a malformed URL name its parts, never
 * the text (a typo'd URL still holds a real password). The password reaches the tools only through
 * a JDBC property ({@link #jdbcProperties()}) and a private password file (see {@link PgTools}).
 */
public final class DatabaseUrl {
    public static final int DEFAULT_PORT = 5432;

    private final String user;
    private final String password;
    private final String host;
    private final int port;
    private final String database;
    private final Map<String, String> params;

    private DatabaseUrl(String user, String password, String host, int port, String database, Map<String, String> params) {
        this.user = user;
        this.password = password;
        this.host = host;
        this.port = port;
        this.database = database;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** True for the URL schemes this class reads (PostgreSQL ones), false for sqlite:// and others. */
    public static boolean isPostgres(String url) {
        if (url == null) {
            return false;
        }
        String s = url.strip().toLowerCase(Locale.ROOT);
        return s.startsWith("postgres://") || s.startsWith("postgresql://") || s.startsWith("postgresql+");
    }

    /**
     * Parses a PostgreSQL URL. {@code where} names its origin for messages ("DATABASE_URL in
     * /srv/owui/.env", "owui.databaseUrl").
     */
    public static DatabaseUrl parse(String url, String where) {
        return parse(url, where, null);
    }

    /**
     * The same, with {@code userIfNone} as the user when the URL names none (owui.databaseUrl
     * without a user, the user from a settings.xml server); null: the URL must name one.
     */
    public static DatabaseUrl parse(String url, String where, String userIfNone) {
        if (url == null || url.isBlank()) {
            throw new OwuiException(where + " is empty", "set it to postgresql://USER:PASSWORD@HOST:PORT/DATABASE");
        }
        String s = url.strip();
        int schemeEnd = s.indexOf("://");
        if (schemeEnd < 0 || !isPostgres(s)) {
            String scheme = schemeEnd < 0 ? "(none)" : s.substring(0, schemeEnd);
            throw new OwuiException(where + " is not a PostgreSQL URL (scheme " + scheme + ")",
                    "a PostgreSQL instance has DATABASE_URL=postgresql://USER:PASSWORD@HOST:PORT/DATABASE; an sqlite:// URL means the database is webui.db in the data directory");
        }
        String rest = s.substring(schemeEnd + 3);
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String path = "";
        // The authority ends at the first '/' after the last '@' (a raw '/' may sit in a password).
        int at = rest.lastIndexOf('@');
        int slash = rest.indexOf('/', Math.max(at, 0));
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        at = rest.lastIndexOf('@');
        String userInfo = at >= 0 ? rest.substring(0, at) : null;
        String hostPort = at >= 0 ? rest.substring(at + 1) : rest;

        String user = null;
        String password = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo, where, "user name");
            password = colon >= 0 ? decode(userInfo.substring(colon + 1), where, "password") : null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = decode(eq >= 0 ? pair.substring(0, eq) : pair, where, "query parameter name");
                String v = eq >= 0 ? decode(pair.substring(eq + 1), where, "query parameter " + k) : "";
                params.put(k, v);
            }
        }
        // libpq's own spellings in the query win over the authority (host=/var/run/postgresql for a socket).
        String host = null;
        int port = DEFAULT_PORT;
        if (!hostPort.isEmpty()) {
            String h = hostPort;
            String p = null;
            if (h.startsWith("[")) {
                int close = h.indexOf(']');
                if (close < 0) {
                    throw new OwuiException(where + ": the IPv6 host has no closing ']'", "write it as [::1]:5432");
                }
                p = h.length() > close + 1 && h.charAt(close + 1) == ':' ? h.substring(close + 2) : null;
                h = h.substring(1, close);
            } else if (h.indexOf(':') >= 0) {
                p = h.substring(h.indexOf(':') + 1);
                h = h.substring(0, h.indexOf(':'));
            }
            if (h.contains(",")) {
                throw new OwuiException(where + " names several hosts",
                        "name the primary server only: a backup reads one server");
            }
            host = h.isEmpty() ? null : decode(h, where, "host");
            if (p != null && !p.isEmpty()) {
                port = parsePort(p, where);
            }
        }
        if (params.containsKey("host")) {
            host = params.remove("host");
        }
        if (params.containsKey("port")) {
            port = parsePort(params.remove("port"), where);
        }
        if (params.containsKey("user")) {
            user = params.remove("user");
        }
        if (params.containsKey("password")) {
            password = params.remove("password");
        }
        String database = path.isEmpty() ? null : decode(path, where, "database name");
        if (params.containsKey("dbname")) {
            database = params.remove("dbname");
        }
        if (host == null) {
            host = "localhost";
        }
        if ((user == null || user.isEmpty()) && userIfNone != null && !userIfNone.isEmpty()) {
            user = userIfNone;
        }
        if (user == null || user.isEmpty()) {
            throw new OwuiException(where + " names no user", "write postgresql://USER:PASSWORD@" + host + ":" + port + "/DATABASE");
        }
        if (database == null || database.isEmpty()) {
            database = user; // libpq's default, which Open WebUI (psycopg2) inherits
        }
        return new DatabaseUrl(user, password, host, port, database, params);
    }

    /**
     * Open WebUI's other way to name the database: DATABASE_TYPE, DATABASE_USER,
     * DATABASE_PASSWORD, DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, used (instead of
     * DATABASE_URL) when all of type, user, host, port and name are set. Null when they are not.
     */
    static DatabaseUrl fromParts(Map<String, String> env, String where) {
        String type = env.get("DATABASE_TYPE");
        String user = env.get("DATABASE_USER");
        String host = env.get("DATABASE_HOST");
        String port = env.get("DATABASE_PORT");
        String name = env.get("DATABASE_NAME");
        if (blank(type) || blank(user) || blank(host) || blank(port) || blank(name)) {
            return null;
        }
        if (!isPostgres(type + "://")) {
            return null;
        }
        return new DatabaseUrl(user, env.get("DATABASE_PASSWORD"), host, parsePort(port, "DATABASE_PORT in " + where),
                name, Map.of());
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static int parsePort(String p, String where) {
        try {
            int port = Integer.parseInt(p.strip());
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        // The text is not shown: in a URL missing its '@' the "port" is the password.
        throw new OwuiException(where + ": the port is not a number from 1 to 65535",
                "write postgresql://USER:PASSWORD@HOST:5432/DATABASE (percent-encode '@', ':', '/' in the password)");
    }

    private static String decode(String s, String where, String part) {
        try {
            // SQLAlchemy percent-decodes but keeps '+' literally: protect it from URLDecoder.
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new OwuiException(where + ": the " + part + " has a malformed %-escape",
                    "percent-encode '%' as %25 (and '@', ':', '/' in a password as %40, %3A, %2F)");
        }
    }

    public String user() {
        return user;
    }

    public boolean hasPassword() {
        return password != null;
    }

    /** The password, for a JDBC property or a password file; never for a message. */
    String password() {
        return password;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    /** Query parameters other than host, port, user, password, dbname (sslmode, sslrootcert, ...). */
    public Map<String, String> params() {
        return params;
    }

    /** True when the host is a Unix-socket directory (libpq's convention: it starts with '/'). */
    public boolean isSocket() {
        return host.startsWith("/");
    }

    /** The same server and credentials, another database (restore's scratch and maintenance databases). */
    public DatabaseUrl withDatabase(String name) {
        return new DatabaseUrl(user, password, host, port, Objects.requireNonNull(name), params);
    }

    /** The same with the password from elsewhere (a settings.xml server), replacing the URL's. */
    public DatabaseUrl withPassword(String newPassword) {
        return new DatabaseUrl(user, newPassword, host, port, database, params);
    }

    /** The JDBC URL, without user or password (those go in {@link #jdbcProperties()}). */
    public String jdbcUrl() {
        StringBuilder b = new StringBuilder("jdbc:postgresql://");
        if (isSocket()) {
            // pgjdbc has no Unix sockets of its own; libpq tools do. Through JDBC, a socket means this host.
            b.append("localhost");
        } else {
            b.append(host.indexOf(':') >= 0 ? "[" + host + "]" : host);
        }
        b.append(':').append(port).append('/').append(java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20"));
        return b.toString();
    }

    /** User, password and the libpq parameters pgjdbc shares (sslmode, sslrootcert, ...). */
    public Properties jdbcProperties() {
        Properties p = new Properties();
        for (Map.Entry<String, String> e : params.entrySet()) {
            p.setProperty(e.getKey(), e.getValue());
        }
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "owui-backup");
        return p;
    }

    /**
     * The libpq environment for a child tool (pg_dump, pg_restore): where and who, never the
     * password (that goes in a password file). Parameters libpq knows map to their PG* variables.
     */
    public Map<String, String> libpqEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", host);
        env.put("PGPORT", Integer.toString(port));
        env.put("PGUSER", user);
        env.put("PGDATABASE", database);
        for (Map.Entry<String, String> e : params.entrySet()) {
            String var = LIBPQ_ENV.get(e.getKey());
            if (var != null) {
                env.put(var, e.getValue());
            }
        }
        return env;
    }

    private static final Map<String, String> LIBPQ_ENV = Map.of(
            "sslmode", "PGSSLMODE", "sslrootcert", "PGSSLROOTCERT", "sslcert", "PGSSLCERT", "sslkey", "PGSSLKEY",
            "sslcrl", "PGSSLCRL", "connect_timeout", "PGCONNECT_TIMEOUT", "options", "PGOPTIONS",
            "target_session_attrs", "PGTARGETSESSIONATTRS", "application_name", "PGAPPNAME", "gssencmode", "PGGSSENCMODE");

    /** {@code postgresql://user:***@host:port/database?sslmode=…}: safe for logs and manifests. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("postgresql://").append(user);
        if (password != null) {
            b.append(":***");
        }
        b.append('@').append(isSocket() ? "" : host.indexOf(':') >= 0 ? "[" + host + "]" : host).append(':').append(port)
                .append('/').append(database);
        Map<String, String> shown = new LinkedHashMap<>(params);
        if (isSocket()) {
            shown.put("host", host);
        }
        String sep = "?";
        for (Map.Entry<String, String> e : shown.entrySet()) {
            b.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = "&";
        }
        return b.toString();
    }

    /** Removes this URL's password from a text (a tool's message, a driver's exception). */
    public String redact(String text) {
        if (text == null || password == null || password.isEmpty()) {
            return text;
        }
        return text.replace(password, "***");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatabaseUrl d && d.port == port && d.user.equals(user) && Objects.equals(d.password, password)
                && d.host.equals(host) && d.database.equals(database) && d.params.equals(params);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, host, port, database, params);
    }
}
