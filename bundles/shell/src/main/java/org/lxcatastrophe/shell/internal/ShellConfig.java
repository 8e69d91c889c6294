package org.lxcatastrophe.shell.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = ShellServer.PID, name = "lxcatastrophe administration shell",
        description = "The line-based Gogo shell endpoint used by bin/lxcat-shell (loopback only)")
@interface ShellConfig {

    @AttributeDefinition(name = "shell.host",
            description = "Loopback address the administration shell listens on (127.0.0.1 or ::1; other addresses are refused)")
    String shell_host() default "127.0.0.1";

    @AttributeDefinition(name = "shell.port",
            description = "TCP port of the administration shell on the loopback address (0 picks a free port; the port in use is written to data/shell.port)",
            min = "0", max = "65535")
    int shell_port() default 8122;
}
