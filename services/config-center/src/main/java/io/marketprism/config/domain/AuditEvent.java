package io.marketprism.config.domain;

import java.time.Instant;

/**
 * One audited change: never a value.
 *
 * @param action {@code PUT}, {@code DELETE} or {@code ROLLBACK}
 * @param oldVersion the entry's version before the change; 0 if it had none
 * @param restoredVersion for a rollback, the version whose value was restored; else 0
 */
public record AuditEvent(
    EntryName name,
    String action,
    String actor,
    Instant time,
    long oldVersion,
    long newVersion,
    long restoredVersion,
    boolean secret) {}
