package org.lxcatastrophe.config.internal;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.lxcatastrophe.api.ConfigurationException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * Forwards OSGi log entries (Declarative Services, Config Admin, metatype...) to java.util.logging, so they appear
 * as one line in the runtime's log like everything else; stack traces only at debug level (the launcher's format).
 */
@Component(immediate = true, service = {})
public class LogBridge implements LogListener {

    private static final Logger LOG = Logger.getLogger("org.lxcatastrophe.config.Configuration");

    private final LogReaderService reader;
    private final BundleContext context;

    @org.osgi.service.component.annotations.Activate
    public LogBridge(@Reference LogReaderService reader, BundleContext context) {
        this.reader = reader;
        this.context = context;
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        String invalid = configurationProblem(entry.getException());
        if (invalid != null && !StartupGate.exiting() && StartupGate.startingAt(entry.getTime())) {
            // a component refused its configuration while the runtime started (the entry may arrive after the start
            // level event, so its own time counts): that one line, then exit status 2
            LOG.severe(invalid);
            StartupGate.fail(context);
            return;
        }
        if (StartupGate.exiting() && entry.getLogLevel().ordinal() <= LogLevel.WARN.ordinal()) {
            // the cause is logged already; what the components say while the runtime stops is only noise then
            forward(entry, Level.FINE);
            return;
        }
        forward(entry, null);
    }

    /**
     * The message of the {@link ConfigurationException} that caused {@code t}, if any. The OSGi log may hand out a
     * copy of the exception (Felix Log keeps the text, not the class), so the class name in the text counts too.
     */
    static String configurationProblem(Throwable t) {
        String prefix = ConfigurationException.class.getName() + ": ";
        for (int depth = 0; t != null && depth < 20; depth++, t = t.getCause()) {
            if (t instanceof ConfigurationException c) {
                return c.getMessage();
            }
            String m = t.getMessage();
            if (m != null && m.startsWith(prefix)) {
                return m.substring(prefix.length()).strip();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private void forward(LogEntry entry, Level forced) {
        Level level0 = switch (entry.getLogLevel()) {
            case AUDIT, ERROR -> Level.SEVERE;
            case WARN -> Level.WARNING;
            case INFO -> Level.INFO;
            case DEBUG -> Level.FINE;
            case TRACE -> Level.FINER;
        };
        Level level = forced != null ? forced : level0;
        if (level.intValue() < Level.WARNING.intValue() && entry.getLoggerName() != null
                && entry.getLoggerName().startsWith("Events.")) {
            level = Level.FINER; // the framework's service/bundle events: only when tracing
        }
        String name = entry.getBundle() != null && entry.getBundle().getSymbolicName() != null
                ? entry.getBundle().getSymbolicName() : entry.getLoggerName();
        Logger logger = Logger.getLogger(name);
        if (!logger.isLoggable(level)) {
            return;
        }
        LogRecord record = new LogRecord(level, message(entry));
        record.setLoggerName(name);
        record.setThrown(entry.getException());
        record.setMillis(entry.getTime());
        logger.log(record);
    }

    static String message(LogEntry entry) {
        String message = entry.getMessage() == null ? "" : entry.getMessage();
        Throwable t = entry.getException();
        // Declarative Services wraps what activate threw; the user wants the innermost message
        while (t != null && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t != null && t.getMessage() != null && !message.contains(t.getMessage())) {
            message = message + ": " + t.getMessage();
        }
        return message;
    }
}
