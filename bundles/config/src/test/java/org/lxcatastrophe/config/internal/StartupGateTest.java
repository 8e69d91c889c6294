package org.lxcatastrophe.config.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;
import org.lxcatastrophe.api.ConfigurationException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;

/**
 * A component that refuses its configuration while the runtime starts ends it with exit status 2, also when the log
 * entry saying so reaches the log listener only after the start level event (both are delivered on threads of their
 * own; under load the order flips, and the runtime then kept running without its lifecycle component).
 */
public class StartupGateTest {

    @After
    public void reset() {
        StartupGate.resetForTests();
        System.clearProperty(StartupGate.EXIT_CODE_PROPERTY);
    }

    @Test
    public void anEntryLoggedBeforeTheEndCountsAsStartupWhenItArrivesLate() {
        StartupGate.ended(10_000);
        assertFalse(StartupGate.starting());
        assertTrue(StartupGate.startingAt(9_999));
        assertTrue(StartupGate.startingAt(10_000));
        assertFalse(StartupGate.startingAt(10_001));
    }

    @Test
    public void theLogBridgeStopsTheRuntimeForALateEntryOfTheStartup() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        LogBridge bridge = bridge(stopped);
        long loggedAt = System.currentTimeMillis();
        StartupGate.ended(loggedAt + 5);   // the start level event was seen first
        bridge.logged(entry(loggedAt, new RuntimeException("activate failed",
                new ConfigurationException("lxc.config.extra", "lxc.config.extra (LXC_CONFIG_EXTRA) has 'foo.bar = 1'"))));
        assertTrue("the framework was not stopped", stopped.await(10, TimeUnit.SECONDS));
        assertEquals("2", System.getProperty(StartupGate.EXIT_CODE_PROPERTY));
    }

    @Test
    public void anEntryOfAConfigurationChangedAfterTheStartIsOnlyLogged() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        LogBridge bridge = bridge(stopped);
        long loggedAt = System.currentTimeMillis();
        StartupGate.ended(loggedAt - 1000);   // an etc file edited while the runtime runs
        bridge.logged(entry(loggedAt, new ConfigurationException("container.stop.timeout", "invalid")));
        assertFalse("the runtime must keep running", stopped.await(300, TimeUnit.MILLISECONDS));
        assertFalse(StartupGate.exiting());
    }

    private static LogBridge bridge(CountDownLatch stopped) {
        Bundle system = (Bundle) Proxy.newProxyInstance(StartupGateTest.class.getClassLoader(),
                new Class<?>[] { Bundle.class }, (p, m, a) -> {
                    if (m.getName().equals("stop")) {
                        stopped.countDown();
                        return null;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        BundleContext bc = (BundleContext) Proxy.newProxyInstance(StartupGateTest.class.getClassLoader(),
                new Class<?>[] { BundleContext.class }, (p, m, a) -> {
                    if (m.getName().equals("getBundle") && a != null && a.length == 1 && Long.valueOf(0).equals(a[0])) {
                        return system;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        org.osgi.service.log.LogReaderService reader = (org.osgi.service.log.LogReaderService) Proxy.newProxyInstance(
                StartupGateTest.class.getClassLoader(), new Class<?>[] { org.osgi.service.log.LogReaderService.class },
                (p, m, a) -> null);
        return new LogBridge(reader, bc);
    }

    @SuppressWarnings("deprecation")
    private static LogEntry entry(long time, Throwable t) {
        return new LogEntry() {
            public Bundle getBundle() { return null; }
            public ServiceReference<?> getServiceReference() { return null; }
            public int getLevel() { return 1; }
            public String getMessage() { return "The activate method has thrown an exception"; }
            public Throwable getException() { return t; }
            public long getTime() { return time; }
            public LogLevel getLogLevel() { return LogLevel.ERROR; }
            public String getLoggerName() { return "org.lxcatastrophe.lifecycle"; }
            public long getSequence() { return 1; }
            public String getThreadInfo() { return "test"; }
            public StackTraceElement getLocation() { return null; }
        };
    }
}
