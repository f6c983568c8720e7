package io.cmqkafka.lease;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP port that is open exactly while this instance's lease store runs: it accepts connections
 * and closes them at once. The other instances connect to it ({@link DeadInstanceFencer}); when the
 * process dies, the kernel refuses connections to it, which proves the instance is gone.
 *
 * <p>Why not the HTTP port: on a graceful stop the HTTP server closes before the lease store has
 * left the group, and peers would take that for a crash. This port closes only after the store
 * has left.
 */
final class LivenessBeacon implements AutoCloseable {

    private final ServerSocket socket;

    /** Binds {@code port} on every interface (0: any free port). */
    LivenessBeacon(int port) throws IOException {
        socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(port), 50);
        Thread acceptor = new Thread(this::acceptLoop, "lease-store-liveness");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                // The connection itself is the answer.
            } catch (IOException e) {
                // closed, or a peer that hung up first
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
