package io.marketprism.scheduler.domain;

import io.marketprism.kit.api.FieldViolations;
import io.marketprism.scheduler.v1.NatsPublish;
import io.marketprism.scheduler.v1.Target;
import java.util.Map;
import java.util.regex.Pattern;

/** The rules of a task's {@link NatsPublish} target, as field violations. Stateless. */
final class NatsPublishes {

  /** Tokens of printable ASCII without wildcards or separators; NATS would refuse or misroute anything else. */
  private static final Pattern SUBJECT = Pattern.compile("[!-)+-\\-/-=?-~]+(\\.[!-)+-\\-/-=?-~]+)*");
  /** A header name as NATS writes it on the wire: printable ASCII without ':' or spaces. */
  private static final Pattern HEADER = Pattern.compile("[!-9;-~]+");
  private static final int MAX_PAYLOAD_BYTES = 1024 * 1024;
  private static final int MAX_HEADERS = 64;

  private NatsPublishes() {}

  /** Adds a violation for each problem of {@code target}'s publish, named under {@code field} (e.g. task.target). */
  static void check(Target target, String field, FieldViolations violations) {
    if (!target.getService().isEmpty() || !target.getMethod().isEmpty() || target.hasRequest()
        || !target.getRequestJson().isEmpty() || target.getFireTimeFieldsCount() > 0) {
      violations.add(field + ".nats_publish",
          "a publish target leaves service, method, request, request_json and fire_time_fields unset");
    }
    NatsPublish publish = target.getNatsPublish();
    String subject = publish.getSubject();
    if (subject.isEmpty()) {
      violations.add(field + ".nats_publish.subject", "is required");
    } else if (subject.length() > 255 || !SUBJECT.matcher(subject).matches()) {
      violations.add(field + ".nats_publish.subject",
          "must be dot-separated tokens of printable ASCII without wildcards (* >), at most 255 characters");
    }
    if (publish.getPayload().size() > MAX_PAYLOAD_BYTES) {
      violations.add(field + ".nats_publish.payload", "must be at most 1 MiB");
    }
    if (publish.getHeadersCount() > MAX_HEADERS) {
      violations.add(field + ".nats_publish.headers", "at most " + MAX_HEADERS + " headers");
    }
    for (Map.Entry<String, String> header : publish.getHeadersMap().entrySet()) {
      String name = header.getKey();
      if (!HEADER.matcher(name).matches() || name.regionMatches(true, 0, "Nats-", 0, 5)) {
        violations.add(field + ".nats_publish.headers[" + name + "]",
            "header names are printable ASCII without ':' or spaces, and Nats-* is reserved");
      } else if (header.getValue().chars().anyMatch(c -> c == '\r' || c == '\n')) {
        violations.add(field + ".nats_publish.headers[" + name + "]", "a header value is one line");
      }
    }
  }
}
