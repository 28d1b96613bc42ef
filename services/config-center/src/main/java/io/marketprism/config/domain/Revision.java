package io.marketprism.config.domain;

import java.time.Instant;

/** One stored version of one entry: its name, its version (the store's revision) and when it was written. */
public record Revision(EntryName name, long version, Instant time, StoredValue value) {}
