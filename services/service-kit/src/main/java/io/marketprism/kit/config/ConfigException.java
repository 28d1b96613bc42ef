package io.marketprism.kit.config;

/**
 * The configuration cannot be used. The message is one line meant for an operator, naming the key, the reason and
 * where the value came from, e.g. {@code invalid configuration: grpc.port: must be between 0 and 65535 (was 70000)
 * [environment variable MARKETPRISM_GRPC_PORT]}.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ConfigException(String problem) {
    super("invalid configuration: " + problem);
  }

  public ConfigException(String problem, Throwable cause) {
    super("invalid configuration: " + problem, cause);
  }
}
