package dev.owui.backup.ssh;

import com.jcraft.jsch.SocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Makes the session's TCP socket (with the connect timeout JSch would otherwise not apply to a
 * socket factory) and keeps it, so the watchdog can close it. Closing the socket is the one way
 * to free every thread stuck on a hung server: JSch's own disconnect first writes to the socket,
 * and that write blocks too when the server has stopped reading.
 */
final class KillableSocket implements SocketFactory {
    private final int connectTimeoutMillis;
    private volatile Socket socket;

    KillableSocket(int connectTimeoutMillis) {
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        return s;
    }

    @Override
    public InputStream getInputStream(Socket s) throws IOException {
        return s.getInputStream();
    }

    @Override
    public OutputStream getOutputStream(Socket s) throws IOException {
        return s.getOutputStream();
    }

    /** Closes the socket now; blocked reads and writes on it fail at once. */
    void kill() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }
}
