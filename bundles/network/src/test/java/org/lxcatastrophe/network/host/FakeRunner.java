package org.lxcatastrophe.network.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.lxcatastrophe.api.LxcatException;

/** Records commands; answers {@code ip -j} queries with canned JSON; fails a chosen command. */
final class FakeRunner implements CommandRunner {
    final List<String> commands = new ArrayList<>();
    final Map<String, String> answers = new HashMap<>();
    String failOn;

    @Override
    public String run(List<String> command) throws LxcatException {
        String line = String.join(" ", command);
        commands.add(line);
        if (failOn != null && line.equals(failOn)) {
            throw new LxcatException("'" + line + "' failed with status 2: RTNETLINK answers: Operation not permitted");
        }
        return answers.getOrDefault(line, "");
    }

    void answerIp(String addr, String route4, String route6) {
        answers.put("ip -d -j addr show", addr);
        answers.put("ip -j -4 route show table main", route4);
        answers.put("ip -j -6 route show table main", route6);
    }
}
