/**
 * JSON (RFC 8259) to and from plain Java values: objects as {@code Map<String, Object>} in document order, arrays as
 * {@code List<Object>}, strings, numbers, booleans and null. Small on purpose: the runtime reads the JSON of
 * {@code ip -j} on every start and Jackson's classes, buffers and symbol tables cost more resident memory than the
 * documents they read.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.lxcatastrophe.json;
