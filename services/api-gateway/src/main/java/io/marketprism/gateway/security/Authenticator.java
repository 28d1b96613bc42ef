package io.marketprism.gateway.security;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.RequestHeaders;
import io.netty.util.AsciiString;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Finds who sent a request from its headers: an API key in {@code x-api-key}, or a Bearer value that is an API key
 * ({@code mpk_...}) or a JWT. Thread-safe.
 */
public final class Authenticator {

  public static final AsciiString API_KEY_HEADER = AsciiString.cached("x-api-key");

  private final JwtVerifier jwt; // null: JWTs are not accepted
  private final ApiKeyStore apiKeys; // null: API keys are not accepted

  Authenticator(JwtVerifier jwt, ApiKeyStore apiKeys) {
    this.jwt = jwt;
    this.apiKeys = apiKeys;
  }

  public static Authenticator create(SecurityConfig config, Clock clock) {
    ApiKeyStore apiKeys =
        config.apiKeys().file().isBlank()
            ? null
            : new ApiKeyStore(Path.of(config.apiKeys().file()), config.apiKeys().reloadCheckInterval(), clock);
    return new Authenticator(JwtVerifier.create(config.jwt(), clock), apiKeys);
  }

  /** Whether the request carries any credentials at all (valid or not). */
  public static boolean hasCredentials(RequestHeaders headers) {
    return headers.contains(API_KEY_HEADER) || headers.contains(HttpHeaderNames.AUTHORIZATION);
  }

  /** The caller the request's credentials name. */
  public Caller authenticate(RequestHeaders headers) throws AuthenticationException {
    String apiKey = headers.get(API_KEY_HEADER);
    if (apiKey != null) {
      return apiKey(apiKey.strip());
    }
    String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
    if (authorization == null) {
      throw new AuthenticationException("credentials required: Authorization: Bearer <token> or x-api-key");
    }
    if (authorization.length() < 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new AuthenticationException("unsupported authorization scheme: use Bearer");
    }
    String value = authorization.substring(7).strip();
    if (value.startsWith(ApiKeyStore.PREFIX)) {
      return apiKey(value);
    }
    if (jwt == null) {
      throw new AuthenticationException("JWTs are not accepted by this gateway");
    }
    return jwt.verify(value);
  }

  private Caller apiKey(String key) throws AuthenticationException {
    if (apiKeys == null) {
      throw new AuthenticationException("API keys are not accepted by this gateway");
    }
    return apiKeys.authenticate(key);
  }
}
