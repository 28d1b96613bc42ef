package io.marketprism.config.access;

/** What a caller wants to do with a namespace. */
public enum Action {
  /** Get, List, History, Watch, ListAudit (secrets masked). */
  READ("read"),
  /** Put, Delete, Rollback. */
  WRITE("write"),
  /** Get a secret in clear, and write secrets. */
  READ_SECRETS("read secrets");

  private final String label;

  Action(String label) {
    this.label = label;
  }

  @Override
  public String toString() {
    return label;
  }
}
