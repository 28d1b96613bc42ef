package io.marketprism.controlplane.registry;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where registry entries live, shared by every control-plane replica. Writes are compare-and-set on a revision so
 * that replicas never overwrite each other's changes; a failed compare-and-set throws {@link ConflictException} and
 * the caller reads again.
 *
 * <p>Implementations are thread-safe.
 */
public interface RegistryStore extends AutoCloseable {

  /** An entry and the revision it was read at. */
  record Versioned(RegistryEntry entry, long revision) {}

  /** One change seen by {@link #watch}: {@code entry} is empty when the key was deleted. */
  record Change(InstanceKey key, Optional<RegistryEntry> entry, long revision) {}

  Optional<Versioned> get(InstanceKey key) throws StoreException;

  /** Writes {@code entry} if its key has no entry. */
  long create(RegistryEntry entry) throws StoreException;

  /** Writes {@code entry} if its key is still at {@code expectedRevision}. */
  long update(RegistryEntry entry, long expectedRevision) throws StoreException;

  /** Deletes the entry if its key is still at {@code expectedRevision}. */
  void delete(InstanceKey key, long expectedRevision) throws StoreException;

  /**
   * Delivers every current entry, then {@code onSnapshotDone}, then each later change, in order, on one thread of
   * the store's. Stops when the returned handle is closed.
   */
  AutoCloseable watch(Consumer<Change> onChange, Runnable onSnapshotDone) throws StoreException;

  /** A store operation failed. */
  class StoreException extends Exception {
    public StoreException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A compare-and-set lost: someone else changed the key first. */
  final class ConflictException extends StoreException {
    public ConflictException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
