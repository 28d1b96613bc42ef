package io.marketprism.client.config;

import java.util.Optional;

/**
 * One key's value changed, as a {@link ConfigClient} listener sees it.
 *
 * @param key the key
 * @param oldValue the value before; empty if the key was absent
 * @param newValue the value now; empty if the key was deleted
 * @param version the version of the change
 */
public record ConfigChange(String key, Optional<String> oldValue, Optional<String> newValue, long version) {}
