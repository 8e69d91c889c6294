package org.lxcatastrophe.shell.internal;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.lxcatastrophe.api.ConfigurationException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The administration shell endpoint: a line protocol on a loopback address only.
 * <p>
 * Protocol (UTF-8): the client sends one command line. The server runs it in the connection's Gogo session (one
 * persistent session per connection, so variables survive between commands) and answers with lines that each start
 * with a marker: {@code >} a line of standard output, {@code !} a line of error output, then exactly one
 * {@code =N} line where N is the exit status (0 done, 1 the command failed). The client may send the next command
 * after the {@code =} line; closing the connection ends the session.
 */
@Component(service = ShellServer.class, immediate = true, configurationPid = ShellServer.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ShellConfig.class)
public class ShellServer {
    static final String PID = "org.lxcatastrophe.shell";
    static final String HOME_PROPERTY = "lxcatastrophe.home";

    private static final Logger LOG = Logger.getLogger(ShellServer.class.getName());

    @Reference
    CommandProcessor processor;

    private ServerSocket server;
    private Thread acceptor;
    private Path portFile;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();

    @Activate
    void activate(ShellConfig config, BundleContext bc) throws ConfigurationException, IOException {
        InetAddress address = loopback(config.shell_host());
        int port = config.shell_port();
        if (port < 0 || port > 65535) {
            throw new ConfigurationException("shell.port", "shell.port=" + port
                    + " is not a TCP port; set SHELL_PORT or shell.port in etc/" + PID + ".cfg to 0..65535");
        }
        server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(new InetSocketAddress(address, port), 16);
        } catch (IOException e) {
            server.close();
            throw new ConfigurationException("shell.port", "The administration shell cannot listen on "
                    + address.getHostAddress() + ":" + port + " (" + e.getMessage()
                    + "); set SHELL_PORT or shell.port to a free port");
        }
        int actual = server.getLocalPort();
        portFile = portFile(bc);
        if (portFile != null) {
            Files.createDirectories(portFile.getParent());
            Files.writeString(portFile, actual + "\n");
        }
        acceptor = new Thread(this::accept, "lxcat-shell-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("Administration shell on " + address.getHostAddress() + ":" + actual);
    }

    /** The port file: {@code data/shell.port} under the runtime's home, when the launcher set one. */
    private static Path portFile(BundleContext bc) {
        String home = bc.getProperty(HOME_PROPERTY);
        return home == null ? null : Paths.get(home, "data", "shell.port");
    }

    static InetAddress loopback(String host) throws ConfigurationException {
        InetAddress address;
        try {
            address = InetAddress.getByName(host.strip());
        } catch (UnknownHostException e) {
            throw new ConfigurationException("shell.host", "shell.host=" + host
                    + " is not a known address; set SHELL_HOST to 127.0.0.1");
        }
        if (!address.isLoopbackAddress()) {
            throw new ConfigurationException("shell.host", "shell.host=" + host
                    + " is not a loopback address and the administration shell listens on loopback only;"
                    + " set SHELL_HOST to 127.0.0.1 (use docker exec ... lxcat-shell to reach it)");
        }
        return address;
    }

    /** The port the shell listens on. */
    public int port() {
        return server.getLocalPort();
    }

    @Deactivate
    void deactivate() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing the shell socket", e);
        }
        for (Socket s : clients) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing a shell connection", e);
            }
        }
        if (portFile != null) {
            try {
                Files.deleteIfExists(portFile);
            } catch (IOException e) {
                LOG.log(Level.FINE, "removing " + portFile, e);
            }
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                clients.add(socket);
                Thread t = new Thread(() -> serve(socket), "lxcat-shell-" + socket.getPort());
                t.setDaemon(true);
                t.start();
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Administration shell: " + e.getMessage(), e);
            }
        }
    }

    private void serve(Socket socket) {
        try (socket;
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                Writer writer = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8))) {
            Object lock = new Object();
            FramedOutput out = new FramedOutput('>', writer, lock);
            FramedOutput err = new FramedOutput('!', writer, lock);
            PrintStream outPrint = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream errPrint = new PrintStream(err, true, StandardCharsets.UTF_8);
            try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), outPrint, errPrint)) {
                String line;
                while ((line = readLine(in)) != null) {
                    if (line == TOO_LONG) {
                        synchronized (lock) {
                            writer.write("!the command line is longer than " + MAX_LINE + " characters; nothing was run\n=1\n");
                            writer.flush();
                        }
                        return;   // the rest of that line is not read
                    }
                    int status = run(session, line, outPrint, errPrint);
                    outPrint.flush();
                    errPrint.flush();
                    synchronized (lock) {
                        writer.write("=" + status + "\n");
                        writer.flush();
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "Administration shell connection ended: " + e.getMessage(), e);
        } finally {
            clients.remove(socket);
        }
    }

    /** The longest command line accepted; a longer one is refused without being held in memory. */
    static final int MAX_LINE = 65536;
    static final String TOO_LONG = new String("(too long)");

    /**
     * One line without its terminator (LF or CRLF), null at the end of the stream, or {@link #TOO_LONG} (the same
     * instance) once a line exceeds {@link #MAX_LINE} characters. {@link BufferedReader#readLine()} would hold a line
     * of any length: one long line made the runtime run out of memory.
     */
    static String readLine(BufferedReader in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int end = b.length();
                String line = end > 0 && b.charAt(end - 1) == '\r' ? b.substring(0, end - 1) : b.toString();
                return line.length() > MAX_LINE ? TOO_LONG : line;
            }
            if (b.length() >= MAX_LINE + 1) {
                return TOO_LONG;
            }
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** {@code CMD --help} or {@code CMD -h}, nothing else on the line. */
    private static final java.util.regex.Pattern HELP_ASKED = java.util.regex.Pattern.compile("\\s*(\\S+)\\s+(--help|-h)\\s*");

    static int run(CommandSession session, String line, PrintStream out, PrintStream err) {
        if (line.isBlank()) {
            return 0;
        }
        try {
            Object result;
            try {
                result = session.execute(line);
            } catch (IllegalArgumentException e) {
                // a command without options of its own has no signature taking "--help": Gogo answers "Cannot coerce
                // status(String) to any of [()]"; answer what `help CMD` says instead, as Karaf's shell does
                java.util.regex.Matcher m = HELP_ASKED.matcher(line);
                if (!m.matches() || e.getMessage() == null || !e.getMessage().startsWith("Cannot coerce")) {
                    throw e;
                }
                result = session.execute("help " + m.group(1));
            }
            if (result != null) {
                out.println(session.format(result, Converter.INSPECT));
            }
            return 0;
        } catch (Exception e) {
            String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            err.println(message);
            LOG.log(Level.FINE, "Command failed: " + line, e);
            return 1;
        }
    }
}
