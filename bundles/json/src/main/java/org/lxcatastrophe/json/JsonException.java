package org.lxcatastrophe.json;

/** Text that is not JSON: the message says what was expected and where (line and column, from 1). */
public final class JsonException extends Exception {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message);
    }
}
