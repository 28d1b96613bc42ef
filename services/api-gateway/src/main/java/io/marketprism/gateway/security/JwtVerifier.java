package io.marketprism.gateway.security;

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
 */
public final class JwtVerifier {

  /** The claim that carries the caller's role: {@code reader}, {@code operator} or {@code admin}. */
  public static final String ROLE_CLAIM = "role";

  private final List<DefaultJWTProcessor<SecurityContext>> processors = new ArrayList<>();

  private JwtVerifier() {}

  /** A verifier for the keys {@code config} names, or null when it names none. */
  public static JwtVerifier create(SecurityConfig.Jwt config, Clock clock) {
    if (!config.enabled()) {
      return null;
    }
    JwtVerifier verifier = new JwtVerifier();
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
    String failure = "token rejected";
    for (DefaultJWTProcessor<SecurityContext> processor : processors) {
      try {
        return callerOf(processor.process(token, null));
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
