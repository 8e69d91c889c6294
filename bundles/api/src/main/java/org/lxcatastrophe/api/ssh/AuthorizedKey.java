package org.lxcatastrophe.api.ssh;

/**
 * One validated {@code authorized_keys} line.
 *
 * @param options the options field, or empty
 * @param type    key type, e.g. {@code ssh-ed25519}
 * @param base64  the key blob
 * @param comment the comment, or empty
 */
public record AuthorizedKey(String options, String type, String base64, String comment) {

    /** The line as written to {@code authorized_keys}. */
    public String toLine() {
        StringBuilder b = new StringBuilder();
        if (!options.isEmpty()) {
            b.append(options).append(' ');
        }
        b.append(type).append(' ').append(base64);
        if (!comment.isEmpty()) {
            b.append(' ').append(comment);
        }
        return b.toString();
    }
}
