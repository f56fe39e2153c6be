package dev.owui.backup.ssh;

import dev.owui.backup.OwuiException;
import java.util.Locale;

/**
 * {@code sftp://[user@]host[:port]/absolute/path}. The host may be an alias of the ssh config
 * file, whose HostName, User and Port then apply unless the URL gives its own. The path is taken
 * literally (no percent-decoding): it is what {@code ls} shows on the server.
 *
 * @param user null when the URL names none (then the ssh config's User, the credentials' username
 *        or the local user name, in that order)
 * @param port -1 when the URL names none (then the ssh config's Port, else 22)
 */
public record SftpUrl(String user, String host, int port, String path) {
    public static final String SCHEME = "sftp";
    private static final String FORM = "write it as sftp://user@host[:port]/absolute/path (user and port are optional; the host may be an alias from ~/.ssh/config)";

    public SftpUrl {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host is required");
        }
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path must be absolute: " + path);
        }
    }

    /** Parses the operator's URL; every mistake is an OwuiException naming the URL and the fix. */
    public static SftpUrl parse(String url) {
        if (url == null) {
            throw new OwuiException("no sftp URL given", FORM);
        }
        String s = url.trim();
        String prefix = SCHEME + "://";
        if (!s.toLowerCase(Locale.ROOT).startsWith(prefix)) {
            throw new OwuiException("not an sftp:// URL: " + url, FORM);
        }
        String rest = s.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new OwuiException("the sftp URL " + url + " names no folder on the server", FORM);
        }
        String authority = rest.substring(0, slash);
        String path = normalizePath(rest.substring(slash), url);

        String user = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            user = authority.substring(0, at);
            authority = authority.substring(at + 1);
            if (user.contains(":")) {
                // Never echo the URL here: it carries a password.
                throw new OwuiException("the sftp URL for host " + authority + " carries a password",
                        "remove it from the URL; put it in settings.xml <servers> and name that server with owui.serverId");
            }
            if (user.isEmpty()) {
                throw new OwuiException("the sftp URL " + url + " has an empty user name before '@'", FORM);
            }
        }

        String host;
        String portText = null;
        if (authority.startsWith("[")) { // an IPv6 literal: [::1]:2222
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new OwuiException("the sftp URL " + url + " opens an IPv6 address with '[' but never closes it", FORM);
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new OwuiException("the sftp URL " + url + " has text after the IPv6 address: " + after, FORM);
                }
                portText = after.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new OwuiException("the sftp URL " + url + " names no host", FORM);
        }
        if (!host.matches("[A-Za-z0-9._:%-]+")) {
            throw new OwuiException("the sftp URL " + url + " has an invalid host name: " + host, FORM);
        }
        return new SftpUrl(user, host, parsePort(portText, url), path);
    }

    private static int parsePort(String text, String url) {
        if (text == null) {
            return -1;
        }
        if (!text.matches("[0-9]{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw new OwuiException("the sftp URL " + url + " has an invalid port: '" + text + "'",
                    "give a port between 1 and 65535, or none for 22 (or the ssh config's Port)");
        }
        return Integer.parseInt(text);
    }

    private static String normalizePath(String path, String url) {
        if (path.contains("?") || path.contains("#")) {
            throw new OwuiException("the sftp URL " + url + " has a query or fragment ('?' or '#')",
                    "give a plain folder path; options go in their own owui.* parameters");
        }
        String p = path.replaceAll("/{2,}", "/");
        for (String segment : p.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new OwuiException("the sftp URL " + url + " has '" + segment + "' in its path",
                        "give the folder's absolute path without . or .. segments");
            }
        }
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** The URL as written back, without credentials (there are none in it: parse refuses them). */
    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return SCHEME + "://" + (user == null ? "" : user + "@") + h + (port < 0 ? "" : ":" + port) + path;
    }

    /** A URL for the same server with another path (a sub-folder, for messages). */
    public SftpUrl withPath(String newPath) {
        return new SftpUrl(user, host, port, newPath);
    }
}
