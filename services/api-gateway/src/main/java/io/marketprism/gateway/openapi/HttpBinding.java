package io.marketprism.gateway.openapi;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors.MethodDescriptor;
import io.marketprism.gateway.routing.PathTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One HTTP binding of a gRPC method: its {@code google.api.http} rule or one of the rule's
 * {@code additional_bindings}.
 *
 * @param httpMethod the OpenAPI operation key: {@code get}, {@code post}, ...
 * @param path the path template
 * @param body empty (no body: every non-path field is a query parameter), {@code *} (the request message is the body),
 *     or the name of the request field that is the body
 * @param responseBody empty (the response message is the body) or the name of the response field that is the body
 */
record HttpBinding(String httpMethod, PathTemplate path, String body, String responseBody) {

  /** The methods an OpenAPI path item can hold; a custom rule of another kind has no OpenAPI form. */
  private static final Set<String> OPENAPI_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  /** The method's bindings, the rule's own first; none when it has no rule. */
  static List<HttpBinding> of(MethodDescriptor method) {
    if (!method.getOptions().hasExtension(AnnotationsProto.http)) {
      return List.of();
    }
    HttpRule rule = method.getOptions().getExtension(AnnotationsProto.http);
    List<HttpBinding> bindings = new ArrayList<>();
    add(method, rule, bindings);
    // additional_bindings cannot nest (the HttpRule spec), so one level is all there is.
    for (HttpRule additional : rule.getAdditionalBindingsList()) {
      add(method, additional, bindings);
    }
    return bindings;
  }

  private static void add(MethodDescriptor method, HttpRule rule, List<HttpBinding> out) {
    String template =
        switch (rule.getPatternCase()) {
          case GET -> rule.getGet();
          case PUT -> rule.getPut();
          case POST -> rule.getPost();
          case DELETE -> rule.getDelete();
          case PATCH -> rule.getPatch();
          case CUSTOM -> rule.getCustom().getPath();
          case PATTERN_NOT_SET -> null;
        };
    String httpMethod =
        rule.getPatternCase() == HttpRule.PatternCase.CUSTOM
            ? rule.getCustom().getKind().toLowerCase(Locale.ROOT)
            : rule.getPatternCase().name().toLowerCase(Locale.ROOT);
    if (template == null || !OPENAPI_METHODS.contains(httpMethod)) {
      return;
    }
    try {
      out.add(new HttpBinding(httpMethod, PathTemplate.parse(template), rule.getBody(), rule.getResponseBody()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(method.getFullName() + ": " + e.getMessage(), e);
    }
  }
}
