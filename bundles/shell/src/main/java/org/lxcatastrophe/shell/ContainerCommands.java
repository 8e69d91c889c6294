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
    public void start() throws CommandFailed {
        run(System.out, "started", l -> l.start());
    }

    @Descriptor("Powers the system container off (hard stop after container.stop.timeout); the runtime keeps running")
    public void stop() throws CommandFailed {
        run(System.out, "stopped", l -> l.stop());
    }

    @Descriptor("Powers the system container off and starts it again")
    public void restart() throws CommandFailed {
        run(System.out, "restarted", l -> l.restart());
    }

    @Descriptor("Runs a command inside the container and shows its output and exit status")
    public void exec(@Descriptor("command and its arguments, e.g. systemctl is-system-running") String... command)
            throws CommandFailed {
        // prints "exit status N" itself: returning the number would make Gogo print it a second time
        if (command.length == 1 && (command[0].equals("--help") || command[0].equals("-h"))) {
            System.out.println(EXEC_USAGE);
            return;
        }
        ContainerLifecycle l = lifecycle;
        if (l == null) {
            throw new CommandFailed(NO_LIFECYCLE);
        }
        if (command.length == 0) {
            throw new CommandFailed(EXEC_USAGE);
        }
        int status;
        try {
            status = exec(l, List.of(command), System.out, System.err);
        } catch (LxcatException e) {
            throw new CommandFailed(e.getMessage());
        }
        if (status != 0) {
            // so lxcat-shell exits non-zero too, as `docker exec` does for a failing command
            throw new CommandFailed(command[0] + " exited with status " + status);
        }
    }

    static final String EXEC_USAGE = "usage: lxcat:exec CMD [ARG...], e.g. lxcat:exec systemctl is-system-running";

    /**
     * A command that could not do what was asked: the shell prints the message as one error line and the exit status
     * of {@code lxcat-shell} is not 0.
     */
    public static class CommandFailed extends Exception {
        private static final long serialVersionUID = 1L;

        public CommandFailed(String message) {
            super(message);
        }
    }

    static int exec(ContainerLifecycle l, List<String> command, PrintStream out, PrintStream err) throws LxcatException {
        ExecResult r = l.exec(command, EXEC_TIMEOUT);
        out.print(r.stdout());
        err.print(r.stderr());
        out.println("exit status " + r.exitCode());
        return r.exitCode();
    }

    interface Action {
        void apply(ContainerLifecycle l) throws LxcatException;
    }

    static final String NO_LIFECYCLE = "No container lifecycle service: the lifecycle bundle is not active (see 'lb' and the log).";

    /** Runs {@code action}; prints "container NAME DONE", or fails with the lifecycle's one line. */
    void run(PrintStream out, String done, Action action) throws CommandFailed {
        ContainerLifecycle l = lifecycle;
        if (l == null) {
            throw new CommandFailed(NO_LIFECYCLE);
        }
        try {
            action.apply(l);
            out.println("container " + l.status().name() + " " + done);
        } catch (LxcatException e) {
            throw new CommandFailed(e.getMessage());
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
        public Object execute(CommandSession session, List<Object> arguments) throws CommandFailed {
            print(lifecycle, arguments, System.out);
            return null;
        }

        static final String USAGE = "usage: lxcat:console-log [LINES] (a number of lines, 1 to 999999; default "
                + DEFAULT_LINES + ")";

        /** Prints the console's last lines; a wrong argument or no lifecycle fails (exit status 1 in lxcat-shell). */
        static void print(ContainerLifecycle l, List<Object> arguments, PrintStream out) throws CommandFailed {
            int lines = DEFAULT_LINES;
            List<Object> args = new ArrayList<>(arguments);
            if (args.size() == 1 && List.of("--help", "-h").contains(String.valueOf(args.get(0)))) {
                out.println(USAGE);
                return;
            }
            if (args.size() > 1) {
                throw new CommandFailed(USAGE);
            }
            if (!args.isEmpty()) {
                String a = String.valueOf(args.get(0));
                if (!a.matches("\\d{1,6}") || Integer.parseInt(a) == 0) {
                    throw new CommandFailed(USAGE);
                }
                lines = Integer.parseInt(a);
            }
            if (l == null) {
                throw new CommandFailed(NO_LIFECYCLE);
            }
            List<String> log = l.consoleLog(lines);
            if (log.isEmpty()) {
                out.println("(no console output yet)");
            }
            log.forEach(out::println);
        }
    }
}
