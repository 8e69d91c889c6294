package org.lxcatastrophe.launcher;

import java.util.logging.Level;
import java.util.logging.Logger;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/** Sends the framework's own messages to java.util.logging (one line; stack traces at debug level only). */
final class FrameworkLogger extends org.apache.felix.framework.Logger {
    private static final Logger LOG = Logger.getLogger("org.apache.felix.framework");

    @Override
    protected void doLog(Bundle bundle, @SuppressWarnings("rawtypes") ServiceReference sr, int level, String msg,
            Throwable throwable) {
        Level julLevel = switch (level) {
            case LOG_ERROR -> Level.SEVERE;
            case LOG_WARNING -> Level.WARNING;
            case LOG_INFO -> Level.INFO;
            default -> Level.FINE;
        };
        if (LOG.isLoggable(julLevel)) {
            String text = msg;
            if (throwable != null && throwable.getMessage() != null && msg.contains(throwable.getMessage())) {
                // Felix repeats the exception in the message; keep the line short
                text = msg.substring(0, msg.indexOf(throwable.getMessage())).replaceAll("[\\s(]+$", "");
            }
            if (throwable != null && julLevel.intValue() >= Level.WARNING.intValue()) {
                // "Activator start error in bundle X" says nothing of why: the one line names the root cause
                text = text + " (" + rootCause(throwable) + ")";
            }
            LOG.log(julLevel, text, throwable);
        }
    }

    /** "ClassNotFoundException: a.B" of the innermost cause (with its message when it has one). */
    static String rootCause(Throwable t) {
        if (t == null) {
            return "no cause given";
        }
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage().strip().replace('\n', ' '));
    }
}
