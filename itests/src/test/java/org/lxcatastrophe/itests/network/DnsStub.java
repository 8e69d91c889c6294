package org.lxcatastrophe.itests.network;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A tiny UDP DNS server for the tests, run as its own process inside a network namespace ({@code ip netns exec}).
 * <ul>
 * <li>{@code serve ADDRESS PORT NAME=IPv4...}: answers A queries for the given names (NXDOMAIN for others, an empty
 * answer for other types) — the "DNS server of the Docker network" on the gateway side;</li>
 * <li>{@code relay ADDRESS PORT UPSTREAM}: passes every query to {@code UPSTREAM:53} and the answer back — what
 * Docker's embedded DNS on 127.0.0.11 does inside a container's namespace.</li>
 * </ul>
 * Every query is printed as one line ({@code query NAME TYPE from ADDRESS}); {@code ready} once listening.
 */
public final class DnsStub {
    private DnsStub() {
    }

    public static void main(String[] args) throws IOException {
        String mode = args[0];
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(args[1]),
                Integer.parseInt(args[2])));
        Map<String, byte[]> names = new HashMap<>();
        InetSocketAddress upstream = null;
        if (mode.equals("relay")) {
            upstream = new InetSocketAddress(InetAddress.getByName(args[3]), 53);
        } else {
            for (int i = 3; i < args.length; i++) {
                String[] kv = args[i].split("=", 2);
                names.put(kv[0].toLowerCase(Locale.ROOT), InetAddress.getByName(kv[1]).getAddress());
            }
        }
        System.out.println("ready " + mode + " on " + args[1] + ":" + args[2]);
        System.out.flush();
        byte[] buffer = new byte[4096];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
            Question q = Question.parse(query);
            if (q == null) {
                continue;
            }
            System.out.println("query " + q.name + " " + q.type + " from " + packet.getAddress().getHostAddress());
            System.out.flush();
            byte[] answer = upstream != null ? relay(query, upstream) : answer(query, q, names);
            if (answer != null) {
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            }
        }
    }

    /** The question of a query: name, type, and where the question section ends. */
    record Question(String name, int type, int end) {
        static Question parse(byte[] m) {
            if (m.length < 17 || (m[2] & 0x80) != 0) {
                return null;
            }
            StringBuilder name = new StringBuilder();
            int p = 12;
            while (p < m.length && m[p] != 0) {
                int len = m[p] & 0xff;
                if (len > 63 || p + 1 + len > m.length) {
                    return null;
                }
                name.append(name.length() == 0 ? "" : ".").append(new String(m, p + 1, len, StandardCharsets.US_ASCII));
                p += 1 + len;
            }
            if (p + 5 > m.length) {
                return null;
            }
            int type = ((m[p + 1] & 0xff) << 8) | (m[p + 2] & 0xff);
            return new Question(name.toString().toLowerCase(Locale.ROOT), type, p + 5);
        }
    }

    static byte[] answer(byte[] query, Question q, Map<String, byte[]> names) {
        byte[] address = names.get(q.name());
        boolean known = address != null;
        boolean a = known && q.type() == 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(query[0]);
        out.write(query[1]);
        out.write(0x80 | (query[2] & 0x01) | 0x04); // response, authoritative, RD copied
        out.write(0x80 | (known ? 0 : 3));            // recursion available; NOERROR or NXDOMAIN
        out.writeBytes(new byte[] { 0, 1, 0, (byte) (a ? 1 : 0), 0, 0, 0, 0 });
        out.write(query, 12, q.end() - 12);
        if (a) {
            out.writeBytes(new byte[] { (byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4 });
            out.writeBytes(address);
        }
        return out.toByteArray();
    }

    static byte[] relay(byte[] query, InetSocketAddress upstream) {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(3000);
            s.send(new DatagramPacket(query, query.length, upstream));
            byte[] buffer = new byte[4096];
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            s.receive(answer);
            return Arrays.copyOf(buffer, answer.getLength());
        } catch (SocketTimeoutException e) {
            System.out.println("relay: no answer from " + upstream);
            return null;
        } catch (IOException e) {
            System.out.println("relay: " + e.getMessage());
            return null;
        }
    }
}
