package org.lxcatastrophe.network.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A tiny DNS relay: listens on UDP and TCP at an address the container can reach and passes each query, unchanged,
 * to the wrapper's own resolvers (typically Docker's embedded DNS at 127.0.0.11, which only the wrapper's namespace
 * can reach). Upstreams are tried in order; the first answer wins.
 */
public final class DnsForwarder implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DnsForwarder.class.getName());
    private static final int MAX_UDP = 65535;
    static final long IDLE_WORKER_MILLIS = 30_000;
    private final List<InetSocketAddress> upstreams;
    private final int timeoutMillis;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService workers;
    private final AtomicInteger threads = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Binds {@code listen:port} and starts relaying to {@code upstreams} ({@code host} or {@code host:port}
     * for IPv4, {@code [v6]:port} for IPv6).
     */
    public DnsForwarder(String listen, int port, List<String> upstreams, int timeoutMillis) throws IOException {
        this(listen, port, upstreams, timeoutMillis, IDLE_WORKER_MILLIS);
    }

    /** Workers (at most 8, one per query in flight) end after {@code idleMillis} without a query. */
    DnsForwarder(String listen, int port, List<String> upstreams, int timeoutMillis, long idleMillis) throws IOException {
        if (upstreams.isEmpty()) {
            throw new IOException("the DNS forwarder has no upstream server");
        }
        this.upstreams = upstreams.stream().map(DnsForwarder::endpoint).toList();
        this.timeoutMillis = timeoutMillis;
        InetAddress address = InetAddress.getByName(listen);
        this.udp = new DatagramSocket(null);
        this.udp.setReuseAddress(true);
        this.udp.bind(new InetSocketAddress(address, port));
        try {
            this.tcp = new ServerSocket();
            this.tcp.setReuseAddress(true);
            this.tcp.bind(new InetSocketAddress(address, udp.getLocalPort()), 64);
        } catch (IOException e) {
            udp.close();
            throw e;
        }
        // queries come in bursts (a boot, an apt run): the workers of a burst do not stay for the container's lifetime
        ThreadPoolExecutor pool = new ThreadPoolExecutor(8, 8, idleMillis, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "lxcat-dns-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        this.workers = pool;
        Thread udpLoop = new Thread(this::udpLoop, "lxcat-dns-udp");
        udpLoop.setDaemon(true);
        udpLoop.start();
        Thread tcpLoop = new Thread(this::tcpLoop, "lxcat-dns-tcp");
        tcpLoop.setDaemon(true);
        tcpLoop.start();
        LOG.info("DNS forwarder listening on " + listen + ":" + udp.getLocalPort() + " (UDP+TCP), relaying to "
                + upstreams);
    }

    /** The bound port (useful when 0 was asked for). */
    public int port() {
        return udp.getLocalPort();
    }

    static InetSocketAddress endpoint(String upstream) {
        String s = upstream.strip();
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            int port = s.length() > end + 2 ? Integer.parseInt(s.substring(end + 2)) : 53;
            return new InetSocketAddress(s.substring(1, end), port);
        }
        if (s.indexOf(':') > 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            return new InetSocketAddress(s.substring(0, s.indexOf(':')), Integer.parseInt(s.substring(s.indexOf(':') + 1)));
        }
        return new InetSocketAddress(s, 53);
    }

    private void udpLoop() {
        byte[] buffer = new byte[MAX_UDP];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "DNS forwarder (UDP) stopped: " + e.getMessage());
                }
                return;
            }
            byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
            InetSocketAddress client = (InetSocketAddress) packet.getSocketAddress();
            try {
                workers.execute(() -> relayUdp(query, client));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return;
            }
        }
    }

    private void relayUdp(byte[] query, InetSocketAddress client) {
        for (InetSocketAddress upstream : upstreams) {
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.setSoTimeout(timeoutMillis);
                socket.send(new DatagramPacket(query, query.length, upstream));
                byte[] buffer = new byte[MAX_UDP];
                while (true) {
                    DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
                    socket.receive(answer);
                    // the answer must carry the query's id
                    if (answer.getLength() >= 2 && buffer[0] == query[0] && buffer[1] == query[1]) {
                        udp.send(new DatagramPacket(buffer, answer.getLength(), client));
                        return;
                    }
                }
            } catch (SocketTimeoutException e) {
                LOG.fine("DNS upstream " + upstream + " did not answer in time");
            } catch (IOException e) {
                LOG.fine("DNS upstream " + upstream + ": " + e.getMessage());
            }
        }
    }

    private void tcpLoop() {
        while (!closed) {
            Socket client;
            try {
                client = tcp.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "DNS forwarder (TCP) stopped: " + e.getMessage());
                }
                return;
            }
            try {
                workers.execute(() -> relayTcp(client));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                closeQuietly(client);
                return;
            }
        }
    }

    private void relayTcp(Socket client) {
        try (client) {
            client.setSoTimeout(timeoutMillis * 2);
            DataInputStream in = new DataInputStream(client.getInputStream());
            DataOutputStream out = new DataOutputStream(client.getOutputStream());
            while (true) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (IOException e) {
                    return; // client closed (or idle)
                }
                byte[] query = in.readNBytes(length);
                byte[] answer = askTcp(query);
                if (answer == null) {
                    return;
                }
                out.writeShort(answer.length);
                out.write(answer);
                out.flush();
            }
        } catch (IOException e) {
            LOG.fine("DNS forwarder TCP client: " + e.getMessage());
        }
    }

    private byte[] askTcp(byte[] query) {
        for (InetSocketAddress upstream : upstreams) {
            try (Socket socket = new Socket()) {
                socket.connect(upstream, timeoutMillis);
                socket.setSoTimeout(timeoutMillis);
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                out.writeShort(query.length);
                out.write(query);
                out.flush();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                int length = in.readUnsignedShort();
                return in.readNBytes(length);
            } catch (IOException e) {
                LOG.fine("DNS upstream " + upstream + " (TCP): " + e.getMessage());
            }
        }
        return null;
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        closeQuietly(tcp);
        workers.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof SocketException)) {
                LOG.fine("close: " + e.getMessage());
            }
        }
    }
}
