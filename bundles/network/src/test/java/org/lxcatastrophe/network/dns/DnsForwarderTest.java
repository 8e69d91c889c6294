package org.lxcatastrophe.network.dns;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;

import org.junit.Test;

/** The forwarder against a real UDP and TCP "upstream" on 127.0.0.1 that echoes the query with a marker. */
public class DnsForwarderTest {

    private static byte[] query(int id) {
        return new byte[] {(byte) (id >> 8), (byte) id, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'f', 'o', 'o', 0, 0, 1, 0, 1};
    }

    private static byte[] answerFor(byte[] q) {
        byte[] a = Arrays.copyOf(q, q.length + 1);
        a[2] |= (byte) 0x80; // QR bit: a response
        a[q.length] = 42;
        return a;
    }

    @Test
    public void relaysUdpAndTcp() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (DatagramSocket upstreamUdp = new DatagramSocket(0, lo);
                ServerSocket upstreamTcp = new ServerSocket(upstreamUdp.getLocalPort(), 5, lo)) {
            int upPort = upstreamUdp.getLocalPort();
            Thread udpServer = new Thread(() -> {
                try {
                    byte[] buf = new byte[512];
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    upstreamUdp.receive(p);
                    byte[] a = answerFor(Arrays.copyOf(buf, p.getLength()));
                    upstreamUdp.send(new DatagramPacket(a, a.length, p.getSocketAddress()));
                } catch (Exception e) {
                    // test fails on the client side
                }
            });
            udpServer.start();
            Thread tcpServer = new Thread(() -> {
                try (Socket s = upstreamTcp.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] q = in.readNBytes(in.readUnsignedShort());
                    byte[] a = answerFor(q);
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeShort(a.length);
                    out.write(a);
                } catch (Exception e) {
                    // test fails on the client side
                }
            });
            tcpServer.start();
            // a dead upstream first: the forwarder must fall through to the live one
            try (DatagramSocket dead = new DatagramSocket(0, lo);
                    DnsForwarder f = new DnsForwarder("127.0.0.1", 0,
                            List.of("127.0.0.1:" + dead.getLocalPort(), "127.0.0.1:" + upPort), 500, 300)) {
                try (DatagramSocket client = new DatagramSocket()) {
                    client.setSoTimeout(5000);
                    byte[] q = query(0x1234);
                    client.send(new DatagramPacket(q, q.length, new InetSocketAddress(lo, f.port())));
                    byte[] buf = new byte[512];
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    client.receive(p);
                    assertArrayEquals(answerFor(q), Arrays.copyOf(buf, p.getLength()));
                }
                try (Socket client = new Socket(lo, f.port())) {
                    client.setSoTimeout(5000);
                    byte[] q = query(0x4321);
                    DataOutputStream out = new DataOutputStream(client.getOutputStream());
                    out.writeShort(q.length);
                    out.write(q);
                    DataInputStream in = new DataInputStream(client.getInputStream());
                    int length = in.readUnsignedShort();
                    assertEquals(q.length + 1, length);
                    assertArrayEquals(answerFor(q), in.readNBytes(length));
                }
                // the workers of those two queries end once idle; the forwarder keeps only its two listeners
                long deadline = System.currentTimeMillis() + 10_000;
                while (workers() > 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals("idle DNS worker threads left", 0, workers());
            }
        }
    }

    private static long workers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().matches("lxcat-dns-\\d+")).count();
    }

    @Test
    public void endpoints() {
        assertEquals(new InetSocketAddress("127.0.0.11", 53), DnsForwarder.endpoint("127.0.0.11"));
        assertEquals(new InetSocketAddress("10.0.0.1", 5353), DnsForwarder.endpoint("10.0.0.1:5353"));
        assertEquals(new InetSocketAddress("2001:db8::1", 53), DnsForwarder.endpoint("2001:db8::1"));
        assertEquals(new InetSocketAddress("2001:db8::1", 54), DnsForwarder.endpoint("[2001:db8::1]:54"));
    }
}
