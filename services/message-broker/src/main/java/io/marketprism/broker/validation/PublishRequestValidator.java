package io.marketprism.broker.validation;

import io.marketprism.broker.v1.Header;
import io.marketprism.broker.v1.PublishRequest;
import io.marketprism.kit.api.FieldViolations;
import java.util.Locale;

/** Checks a {@link PublishRequest}: a literal subject, well-formed headers, none of the reserved ones. Stateless. */
public final class PublishRequestValidator {

  private PublishRequestValidator() {}

  /**
   * Adds a violation for every field at fault.
   *
   * @param maxPayload the server's {@code max_payload} in bytes
   */
  public static void check(PublishRequest request, long maxPayload, FieldViolations violations) {
    Subjects.literalProblem(request.getSubject()).ifPresent(problem -> violations.add("subject", problem));
    if (request.getPayload().size() > maxPayload) {
      violations.add(
          "payload", "is " + request.getPayload().size() + " bytes, above the server's max_payload of " + maxPayload);
    }
    for (int i = 0; i < request.getHeadersCount(); i++) {
      checkHeader(request.getHeaders(i), "headers[" + i + "]", violations);
    }
    if (!request.getMsgId().isEmpty() && !printable(request.getMsgId(), false)) {
      violations.add("msg_id", "must be printable ASCII without white space");
    }
    if (!request.getExpectedStream().isEmpty()) {
      Names.check(request.getExpectedStream(), "expected_stream", violations);
    }
    if (request.hasExpectedLastSequence() && request.getExpectedLastSequence() < 0) {
      violations.add("expected_last_sequence", "must not be negative (was " + request.getExpectedLastSequence() + ")");
    }
  }

  private static void checkHeader(Header header, String field, FieldViolations violations) {
    String name = header.getName();
    if (name.isEmpty()) {
      violations.add(field + ".name", "required");
    } else if (!printable(name, false) || name.indexOf(':') >= 0) {
      violations.add(field + ".name", "must be printable ASCII without \":\" or white space (was \"" + name + "\")");
    } else {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("nats-msg-id") || lower.startsWith("nats-expected-")) {
        violations.add(field + ".name", name + " is set from msg_id / expected_* fields, not as a header");
      }
    }
    if (!printable(header.getValue(), true)) {
      violations.add(field + ".value", "must be printable ASCII without CR or LF");
    }
  }

  private static boolean printable(String text, boolean spacesAllowed) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = (c > ' ' && c <= '~') || (spacesAllowed && (c == ' ' || c == '\t'));
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
