package org.lxcatastrophe.shell.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Turns a byte stream into protocol lines: every complete line is written as {@code <marker><text>\n}.
 * {@link #flush()} also writes a pending partial line, so output of a command always ends with a newline.
 */
final class FramedOutput extends OutputStream {
    private final char marker;
    private final Writer target;
    private final Object lock;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    FramedOutput(char marker, Writer target, Object lock) {
        this.marker = marker;
        this.target = target;
        this.lock = lock;
    }

    @Override
    public void write(int b) throws IOException {
        synchronized (lock) {
            if (b == '\n') {
                emit();
            } else {
                line.write(b);
            }
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        synchronized (lock) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }
    }

    private void emit() throws IOException {
        String text = line.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        line.reset();
        target.write(marker);
        target.write(text);
        target.write('\n');
    }

    @Override
    public void flush() throws IOException {
        synchronized (lock) {
            if (line.size() > 0) {
                emit();
            }
            target.flush();
        }
    }
}
