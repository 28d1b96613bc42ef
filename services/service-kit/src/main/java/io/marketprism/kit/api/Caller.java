package io.marketprism.kit.api;

import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling: a mesh identity (the SPIFFE id of the TLS peer, or the identity configured for plaintext callers),
 * or an end user the api-gateway vouches for, with the role the gateway gave them.
 *
 * @param identity the SPIFFE id, or the user's subject
 * @param role the gateway role ({@code reader}, {@code operator}, {@code admin}) of a user; empty for services
 * @param via the SPIFFE id of the gateway that forwarded a user; empty for services
 */
public record Caller(String identity, Optional<String> role, Optional<String> via) {

  static final String SERVICE_PREFIX = "spiffe://marketprism/service/";

  public Caller {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(via, "via");
  }

  public static Caller service(String identity) {
    return new Caller(identity, Optional.empty(), Optional.empty());
  }

  public static Caller user(String subject, String role, String gateway) {
    return new Caller(subject, Optional.of(role), Optional.of(gateway));
  }

  /** The MarketPrism service this caller's SPIFFE id names, if it is one and not a user. */
  public Optional<String> serviceName() {
    return role.isEmpty() && identity.startsWith(SERVICE_PREFIX)
        ? Optional.of(identity.substring(SERVICE_PREFIX.length()))
        : Optional.empty();
  }

  /** How the caller is named in errors, {@code updated_by} and audit: {@code alice;role=operator} for users. */
  @Override
  public String toString() {
    return role.map(r -> identity + ";role=" + r).orElse(identity);
  }
}
