package io.marketprism.gateway.routing;

import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.MethodDescriptor;
import io.marketprism.gateway.policy.Glob;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long an upstream call may take: the caller's {@code grpc-timeout} (capped by {@code routing.max-timeout}), else
 * the route's default (the first {@code routing.timeouts} pattern that matches, else {@code routing.default-timeout}).
 * Streaming calls without a {@code grpc-timeout} run until either side ends them. Immutable.
 */
final class Deadlines {

  // gRPC over HTTP/2: at most 8 digits and a unit (Hours, Minutes, Seconds, milliseconds, microseconds, nanoseconds)
  private static final Pattern GRPC_TIMEOUT = Pattern.compile("(\\d{1,8})([HMSmun])");

  private record Rule(Glob pattern, Duration timeout) {}

  private final Duration defaultTimeout;
  private final Duration maxTimeout;
  private final List<Rule> rules;

  Deadlines(RoutingConfig config) {
    this.defaultTimeout = config.defaultTimeout();
    this.maxTimeout = config.maxTimeout();
    this.rules = config.timeouts().entrySet().stream().map(e -> new Rule(Glob.of(e.getKey()), e.getValue())).toList();
  }

  /** The timeout of a call to {@code method} made with {@code headers}; empty for a stream without a deadline. */
  Optional<Duration> timeoutOf(MethodDescriptor<?, ?> method, RequestHeaders headers) {
    String header = headers.get("grpc-timeout");
    if (header != null) {
      Optional<Duration> asked = parseGrpcTimeout(header);
      if (asked.isPresent()) {
        return Optional.of(asked.get().compareTo(maxTimeout) > 0 ? maxTimeout : asked.get());
      }
    }
    if (method.getType() != MethodDescriptor.MethodType.UNARY) {
      return Optional.empty();
    }
    String name = method.getFullMethodName();
    for (Rule rule : rules) {
      if (rule.pattern().matches(name)) {
        return Optional.of(rule.timeout());
      }
    }
    return Optional.of(defaultTimeout);
  }

  /** {@code "250m"} → 250 ms; empty for a malformed value, which the call then ignores as gRPC servers do. */
  static Optional<Duration> parseGrpcTimeout(String value) {
    Matcher m = GRPC_TIMEOUT.matcher(value.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(m.group(1));
    TimeUnit unit =
        switch (m.group(2)) {
          case "H" -> TimeUnit.HOURS;
          case "M" -> TimeUnit.MINUTES;
          case "S" -> TimeUnit.SECONDS;
          case "m" -> TimeUnit.MILLISECONDS;
          case "u" -> TimeUnit.MICROSECONDS;
          default -> TimeUnit.NANOSECONDS;
        };
    return Optional.of(Duration.ofNanos(unit.toNanos(amount)));
  }
}
