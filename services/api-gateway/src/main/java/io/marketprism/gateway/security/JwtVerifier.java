package io.marketprism.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Verifies {@code Authorization: Bearer} JWTs: signature (RS256/ES256 against a JWKS file, HS256 against a shared key
 * file), {@code exp} and {@code nbf} within the clock skew, {@code iss} exact, {@code aud} one of the configured ones,
 * {@code sub} and {@code role} present. Keys are read once at start. Thread-safe.
 *
 * <p>A token verified once is remembered (by its whole text, signature included, so only the identical token
 * matches) with its validity window: a client that sends the same token with every request pays for the signature
 * and the JSON once, and each later request only has its {@code nbf}/{@code exp} checked against the clock.
 */
public final class JwtVerifier {

  /** What a verified token said, for the requests that bring it again. */
  private record Verified(Caller caller, Instant notBefore, Instant expires) {}

  private static final int REMEMBERED_TOKENS = 10_000;

  /** The claim that carries the caller's role: {@code reader}, {@code operator} or {@code admin}. */
  public static final String ROLE_CLAIM = "role";

  private final List<DefaultJWTProcessor<SecurityContext>> processors = new ArrayList<>();
  private final Cache<String, Verified> verified =
      Caffeine.newBuilder().maximumSize(REMEMBERED_TOKENS).expireAfterWrite(Duration.ofMinutes(10)).build();
  private final Clock clock;
  private final Duration skew;

  private JwtVerifier(Clock clock, Duration skew) {
    this.clock = clock;
    this.skew = skew;
  }

  /** A verifier for the keys {@code config} names, or null when it names none. */
  public static JwtVerifier create(SecurityConfig.Jwt config, Clock clock) {
    if (!config.enabled()) {
      return null;
    }
    JwtVerifier verifier = new JwtVerifier(clock, config.clockSkew());
    if (!config.jwksFile().isBlank()) {
      JWKSet keys = readJwks(Path.of(config.jwksFile()));
      verifier.processors.add(
          processor(
              new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), new ImmutableJWKSet<>(keys)),
              config,
              clock));
    }
    if (!config.hs256KeyFile().isBlank()) {
      byte[] secret = readKey(Path.of(config.hs256KeyFile()));
      verifier.processors.add(
          processor(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)), config, clock));
    }
    return verifier;
  }

  /** The caller the token names; a message that says what is wrong with it otherwise. */
  public Caller verify(String token) throws AuthenticationException {
    Verified known = verified.getIfPresent(token);
    if (known != null) {
      Instant now = clock.instant();
      if (!now.isBefore(known.notBefore().minus(skew)) && now.isBefore(known.expires().plus(skew))) {
        return known.caller();
      }
      // outside its window now: verify afresh, which says why it is refused
      verified.invalidate(token);
    }
    String failure = "token rejected";
    for (DefaultJWTProcessor<SecurityContext> processor : processors) {
      try {
        JWTClaimsSet claims = processor.process(token, null);
        Caller caller = callerOf(claims);
        Date notBefore = claims.getNotBeforeTime() != null ? claims.getNotBeforeTime() : claims.getIssueTime();
        verified.put(
            token,
            new Verified(
                caller,
                notBefore == null ? Instant.EPOCH : notBefore.toInstant(),
                claims.getExpirationTime().toInstant()));
        return caller;
      } catch (BadJWTException e) {
        // a claim is wrong: the signature was good, so this key's answer is the one to give
        throw new AuthenticationException("invalid token: " + e.getMessage());
      } catch (ParseException e) {
        throw new AuthenticationException("invalid token: not a JWT");
      } catch (BadJOSEException e) {
        failure = "invalid token: " + e.getMessage();
      } catch (JOSEException e) {
        failure = "invalid token: cannot verify (" + e.getMessage() + ")";
      }
    }
    throw new AuthenticationException(failure);
  }

  private static Caller callerOf(JWTClaimsSet claims) throws AuthenticationException {
    Object role = claims.getClaim(ROLE_CLAIM);
    if (!(role instanceof String name) || !List.of("reader", "operator", "admin").contains(name)) {
      throw new AuthenticationException("invalid token: claim role must be reader, operator or admin");
    }
    return new Caller(claims.getSubject(), Role.valueOf(name.toUpperCase(Locale.ROOT)), "jwt");
  }

  private static DefaultJWTProcessor<SecurityContext> processor(
      JWSKeySelector<SecurityContext> keys, SecurityConfig.Jwt config, Clock clock) {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(keys);
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            new HashSet<>(config.audiences()),
            new JWTClaimsSet.Builder().issuer(config.issuer()).build(),
            Set.of("sub", "exp", ROLE_CLAIM),
            Set.of()) {
          @Override
          protected Date currentTime() {
            return Date.from(clock.instant());
          }
        };
    claims.setMaxClockSkew((int) config.clockSkew().toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
    return processor;
  }

  private static JWKSet readJwks(Path file) {
    try {
      return JWKSet.parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read security.jwt.jwks-file " + file, e);
    } catch (ParseException e) {
      throw new IllegalArgumentException("security.jwt.jwks-file " + file + " is not a JWKS document: " + e.getMessage());
    }
  }

  private static byte[] readKey(Path file) {
    try {
      byte[] key = HmacKeys.decode(Files.readString(file));
      if (key.length < 32) {
        throw new IllegalArgumentException("security.jwt.hs256-key-file " + file + " holds fewer than 256 bits");
      }
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read security.jwt.hs256-key-file " + file, e);
    }
  }
}
