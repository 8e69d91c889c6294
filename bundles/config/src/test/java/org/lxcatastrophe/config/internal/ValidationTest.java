package org.lxcatastrophe.config.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Test;
import org.osgi.service.metatype.AttributeDefinition;

public class ValidationTest {

    static KeyInfo key(String key, int type, int cardinality, List<String> defaults, List<String> options, boolean required) {
        return new KeyInfo("org.lxcatastrophe.test", key, type, cardinality, defaults, options, required, "");
    }

    @Test
    public void numbers() {
        KeyInfo size = key("idmap.size", AttributeDefinition.LONG, 0, List.of("65536"), List.of(), false);
        assertEquals("", Validation.problem(size, "65536"));
        assertEquals("", Validation.problem(size, " 70000 "));
        assertEquals("'abc' is not a whole number", Validation.problem(size, "abc"));
        assertEquals("'1.5' is not a whole number", Validation.problem(size, "1.5"));
        KeyInfo port = key("shell.port", AttributeDefinition.INTEGER, 0, List.of("8122"), List.of(), false);
        assertEquals("'4294967296' is out of range for an integer", Validation.problem(port, "4294967296"));
        KeyInfo ratio = key("some.ratio", AttributeDefinition.DOUBLE, 0, List.of(), List.of(), false);
        assertEquals("", Validation.problem(ratio, "0.25"));
        assertEquals("'x' is not a number", Validation.problem(ratio, "x"));
    }

    @Test
    public void booleansAndCharacters() {
        KeyInfo b = key("container.autostart", AttributeDefinition.BOOLEAN, 0, List.of("true"), List.of(), false);
        assertEquals("", Validation.problem(b, "FALSE"));
        assertEquals("'yes' is not true or false", Validation.problem(b, "yes"));
        KeyInfo c = key("some.char", AttributeDefinition.CHARACTER, 0, List.of(), List.of(), false);
        assertEquals("", Validation.problem(c, "x"));
        assertEquals("'xy' is not a single character", Validation.problem(c, "xy"));
    }

    @Test
    public void optionsAndMultipleValues() {
        KeyInfo policy = key("ssh.keys.policy", AttributeDefinition.STRING, 0, List.of("merge"), List.of("merge", "replace"),
                false);
        assertEquals("", Validation.problem(policy, "replace"));
        assertEquals("'append' is not one of merge, replace", Validation.problem(policy, "append"));
        KeyInfo ports = key("some.ports", AttributeDefinition.INTEGER, 10, List.of(), List.of(), false);
        assertEquals("", Validation.problem(ports, "1, 2,3,"));
        assertEquals("'two' is not a whole number", Validation.problem(ports, "1,two,3"));
        assertEquals(List.of("a", "b c"), Validation.split(" a ,, b c ,"));
    }

    @Test
    public void emptyValues() {
        KeyInfo optional = key("container.name", AttributeDefinition.STRING, 0, List.of(""), List.of(), false);
        assertEquals("", Validation.problem(optional, ""));
        KeyInfo number = key("idmap.size", AttributeDefinition.LONG, 0, List.of("65536"), List.of(), false);
        assertEquals("", Validation.problem(number, "  "));
        KeyInfo required = key("must.have", AttributeDefinition.STRING, 0, List.of(), List.of(), true);
        assertEquals("a value is required", Validation.problem(required, ""));
    }
}
