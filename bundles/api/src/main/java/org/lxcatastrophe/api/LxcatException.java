package org.lxcatastrophe.api;

/**
 * An error meant for the user: {@link #getMessage()} is one line that says what is wrong and what to do.
 * Stack traces of these are shown at debug level only.
 */
public class LxcatException extends Exception {
    private static final long serialVersionUID = 1L;

    public LxcatException(String message) {
        super(message);
    }

    public LxcatException(String message, Throwable cause) {
        super(message, cause);
    }
}
