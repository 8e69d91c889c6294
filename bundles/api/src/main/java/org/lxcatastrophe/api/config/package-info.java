/**
 * The effective configuration: every key of every component PID, its value and where the value came from
 * (default, {@code etc/<pid>.cfg}, environment variable).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.lxcatastrophe.api.config;
