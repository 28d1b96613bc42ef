package io.marketprism.supervisor;

/**
 * A TCP port a component will listen on, with enough context to explain a conflict to an operator.
 *
 * @param port the port number on 127.0.0.1
 * @param owner the component that will listen on it, e.g. {@code data-storage}
 * @param purpose what the port is for, e.g. {@code gRPC} or {@code HTTP monitoring}
 * @param howToChange how an operator moves it elsewhere, e.g. {@code set
 *     services.data-storage.grpc-port in marketprism.yaml}; empty when the port was chosen
 *     automatically
 */
public record PortClaim(int port, String owner, String purpose, String howToChange) {

  public PortClaim {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(
          owner + " " + purpose + " port must be 1-65535, got " + port);
    }
  }

  /** A claim on a port that was chosen automatically, so there is no setting to point at. */
  public static PortClaim of(int port, String owner, String purpose) {
    return new PortClaim(port, owner, purpose, "");
  }

  String describe() {
    return "port " + port + " (" + owner + " " + purpose + ")";
  }
}
