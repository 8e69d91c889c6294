package org.lxcatastrophe.lifecycle.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Follows the container's console log file ({@code lxc.console.logfile}) and hands each line to a sink (the wrapper's
 * stdout, so {@code docker logs} shows the boot), keeping the last lines for {@code lxcat:console-log}.
 */
final class ConsolePump implements Runnable {

    static final int KEEP = 2000;

    private final Path file;
    private final Consumer<String> sink;
    private final Deque<String> last = new ArrayDeque<>();
    private volatile boolean running = true;
    private volatile Thread thread;

    ConsolePump(Path file, Consumer<String> sink) {
        this.file = file;
        this.sink = sink;
    }

    void start() {
        Thread t = new Thread(this, "lxcat-console");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Reads what is left, then stops. */
    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    synchronized List<String> lastLines(int n) {
        List<String> all = new ArrayList<>(last);
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    @Override
    public void run() {
        long pos = 0;
        StringBuilder partial = new StringBuilder();
        // Decoded as a stream: a multi-byte character split between two reads stays in {@code in} until the rest
        // arrives, instead of turning into two replacement characters.
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer in = ByteBuffer.allocate(8192);
        CharBuffer out = CharBuffer.allocate(8192);
        boolean finalPass = false;
        while (true) {
            boolean stopAfter = !running;
            try {
                if (Files.exists(file)) {
                    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                        if (f.length() < pos) {
                            pos = 0;   // truncated: a new start
                            in.clear();
                            decoder.reset();
                        }
                        f.seek(pos);
                        int r;
                        while ((r = f.read(in.array(), in.arrayOffset() + in.position(), in.remaining())) > 0) {
                            pos += r;
                            in.position(in.position() + r);
                            in.flip();
                            decode(decoder, in, out, partial, false);
                            in.compact();
                        }
                    }
                }
            } catch (IOException e) {
                // file rotated or removed: read again on the next round
            }
            if (stopAfter || finalPass) {
                in.flip();
                decode(decoder, in, out, partial, true);
                decoder.flush(out);
                out.flip();
                partial.append(out);
                out.clear();
                if (partial.length() > 0) {
                    emit(partial.toString());
                }
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                finalPass = true;
            }
        }
    }

    /** Decodes what {@code in} holds (leaving an incomplete trailing sequence there) and emits every whole line. */
    private void decode(CharsetDecoder decoder, ByteBuffer in, CharBuffer out, StringBuilder partial,
            boolean endOfInput) {
        while (true) {
            CoderResult cr = decoder.decode(in, out, endOfInput);
            out.flip();
            partial.append(out);
            out.clear();
            if (cr.isUnderflow()) {
                break;
            }
        }
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
            emit(partial.substring(0, nl));
            partial.delete(0, nl + 1);
        }
    }

    private void emit(String line) {
        String clean = line.replace("\r", "");
        synchronized (this) {
            last.addLast(clean);
            while (last.size() > KEEP) {
                last.removeFirst();
            }
        }
        sink.accept(clean);
    }
}
