package io.marketprism.config.domain;

import java.time.Instant;

/**
 * One stored version of one entry: its name, its version (the store's revision) and when it was written. A gray
 * revision is a version of the entry's gray release (its value, or the tombstone that ended it), not of the entry.
 */
public record Revision(EntryName name, long version, Instant time, StoredValue value, boolean gray) {}
