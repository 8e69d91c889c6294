package org.lxcatastrophe.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One line per record: time, level, logger short name, message. The stack trace of a thrown exception is appended
 * only in debug mode; otherwise its message is appended to the line when the message does not already say it.
 */
public final class OneLineFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    private final boolean debug;

    public OneLineFormatter(boolean debug) {
        this.debug = debug;
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(TIME.format(Instant.ofEpochMilli(record.getMillis()))).append(' ');
        String level = record.getLevel().getName();
        sb.append(level);
        for (int i = level.length(); i < 7; i++) {
            sb.append(' ');
        }
        sb.append(" [").append(shortName(record.getLoggerName())).append("] ");
        String message = formatMessage(record);
        sb.append(oneLine(message));
        Throwable thrown = record.getThrown();
        if (thrown != null && !debug) {
            String cause = thrown.getMessage() != null ? thrown.getMessage() : thrown.getClass().getSimpleName();
            if (message == null || !message.contains(cause)) {
                sb.append(": ").append(oneLine(cause));
            }
        }
        sb.append(System.lineSeparator());
        if (thrown != null && debug) {
            StringWriter sw = new StringWriter();
            thrown.printStackTrace(new PrintWriter(sw));
            sb.append(sw);
        }
        return sb.toString();
    }

    static String shortName(String loggerName) {
        if (loggerName == null || loggerName.isEmpty()) {
            return "root";
        }
        int dot = loggerName.lastIndexOf('.');
        return dot >= 0 && dot < loggerName.length() - 1 ? loggerName.substring(dot + 1) : loggerName;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        return s.strip().replace("\r\n", " | ").replace('\n', ' ').replace('\r', ' ');
    }
}
