package io.marketprism.config.domain;

/** Where every change is recorded. Implementations are thread-safe. */
public interface AuditLog {

  /**
   * Records a change that has been written. A failure here does not undo the change: it is logged, and the audit
   * stream's gap shows as a version missing from it.
   */
  void record(AuditEvent event);
}
