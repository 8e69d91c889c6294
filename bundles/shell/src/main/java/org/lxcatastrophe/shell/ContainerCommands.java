package org.lxcatastrophe.shell;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Function;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.container.ContainerLifecycle;
import org.lxcatastrophe.api.container.ExecResult;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code lxcat:start}, {@code lxcat:stop}, {@code lxcat:restart}, {@code lxcat:exec CMD...}: the container's
 * lifecycle from the shell. Errors are printed as the one line the lifecycle gives.
 */
@Component(service = ContainerCommands.class, property = { "osgi.command.scope=lxcat", "osgi.command.function=start",
        "osgi.command.function=stop", "osgi.command.function=restart", "osgi.command.function=exec" })
public class ContainerCommands {

    static final Duration EXEC_TIMEOUT = Duration.ofMinutes(5);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ContainerLifecycle lifecycle;

    @Descriptor("Prepares (if needed) and starts the system container")
    public void start() {
        run(System.out, "started", l -> l.start());
    }

    @Descriptor("Powers the system container off (hard stop after container.stop.timeout); the runtime keeps running")
    public void stop() {
        run(System.out, "stopped", l -> l.stop());
    }

    @Descriptor("Powers the system container off and starts it again")
    public void restart() {
        run(System.out, "restarted", l -> l.restart());
    }

    @Descriptor("Runs a command inside the container and shows its output and exit status")
    public void exec(@Descriptor("command and its arguments, e.g. systemctl is-system-running") String... command) {
        // prints "exit status N" itself: returning the number would make Gogo print it a second time
        exec(lifecycle, List.of(command), System.out, System.err);
    }

    static int exec(ContainerLifecycle l, List<String> command, PrintStream out, PrintStream err) {
        if (l == null) {
            err.println(NO_LIFECYCLE);
            return 1;
        }
        if (command.isEmpty()) {
            err.println("usage: lxcat:exec CMD [ARG...], e.g. lxcat:exec systemctl is-system-running");
            return 2;
        }
        try {
            ExecResult r = l.exec(command, EXEC_TIMEOUT);
            out.print(r.stdout());
            err.print(r.stderr());
            out.println("exit status " + r.exitCode());
            return r.exitCode();
        } catch (LxcatException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    interface Action {
        void apply(ContainerLifecycle l) throws LxcatException;
    }

    static final String NO_LIFECYCLE = "No container lifecycle service: the lifecycle bundle is not active (see 'lb' and the log).";

    void run(PrintStream out, String done, Action action) {
        ContainerLifecycle l = lifecycle;
        if (l == null) {
            out.println(NO_LIFECYCLE);
            return;
        }
        try {
            action.apply(l);
            out.println("container " + l.status().name() + " " + done);
        } catch (LxcatException e) {
            // thrown on, so the shell prints the one line on stderr and lxcat-shell exits with status 1
            throw new CommandFailedException(e.getMessage());
        }
    }

    /** A start/stop/restart that did not happen; its message is the one line the user sees. */
    static final class CommandFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CommandFailedException(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code lxcat:console-log [LINES]}: the last lines of the container's console (a hyphenated Gogo name). */
    @Component(service = Function.class, property = { "osgi.command.scope=lxcat", "osgi.command.function=console-log" })
    public static class ConsoleLog implements Function {

        static final int DEFAULT_LINES = 50;

        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
                policyOption = ReferencePolicyOption.GREEDY)
        volatile ContainerLifecycle lifecycle;

        @Override
        public Object execute(CommandSession session, List<Object> arguments) {
            print(lifecycle, arguments, System.out);
            return null;
        }

        static void print(ContainerLifecycle l, List<Object> arguments, PrintStream out) {
            if (l == null) {
                out.println(NO_LIFECYCLE);
                return;
            }
            int lines = DEFAULT_LINES;
            List<Object> args = new ArrayList<>(arguments);
            if (!args.isEmpty()) {
                String a = String.valueOf(args.get(0));
                if (!a.matches("\\d{1,6}")) {
                    out.println("usage: lxcat:console-log [LINES] (default " + DEFAULT_LINES + ")");
                    return;
                }
                lines = Integer.parseInt(a);
            }
            List<String> log = l.consoleLog(lines);
            if (log.isEmpty()) {
                out.println("(no console output yet)");
            }
            log.forEach(out::println);
        }
    }
}
