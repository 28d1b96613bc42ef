package io.marketprism.config.domain;

/**
 * Where an entry lives: environment, namespace and key, already validated by the API. Environments are isolated from
 * each other (each has its own store and version counter); within one, {@link #storeKey()} is the key's name in it.
 */
public record EntryName(String environment, String namespace, String key) {

  /** {@code <namespace>.<key>}: namespaces never contain a dot, so the first dot splits the two again. */
  public String storeKey() {
    return namespace + "." + key;
  }

  /** The name of {@code storeKey} in {@code environment}. */
  public static EntryName fromStoreKey(String environment, String storeKey) {
    int dot = storeKey.indexOf('.');
    return new EntryName(environment, storeKey.substring(0, dot), storeKey.substring(dot + 1));
  }

  @Override
  public String toString() {
    return environment + "/" + namespace + "/" + key;
  }
}
