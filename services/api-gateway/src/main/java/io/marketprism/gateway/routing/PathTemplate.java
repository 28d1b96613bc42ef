package io.marketprism.gateway.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code google.api.http} path template in OpenAPI form. Variables keep their field path as the parameter name
 * ({@code {config.name}}), a variable's own pattern ({@code {name=streams/*}}) is dropped since OpenAPI cannot say
 * it, and a custom verb ({@code /v1/storage:archive}) stays part of the path, as the gateway matches it.
 *
 * @param path the OpenAPI path, e.g. {@code /v1/trades/{exchange}/{symbol}}
 * @param variables the field paths of the variables, in order, e.g. {@code [exchange, symbol]}
 */
public record PathTemplate(String path, List<String> variables, boolean patterned) {

  public PathTemplate {
    variables = List.copyOf(variables);
  }

  /**
   * The template as an Armeria regex route: {@code /v1/events/{exchange}/{symbol}:follow} becomes
   * {@code ^/v1/events/(?<p0>[^/:]+)/(?<p1>[^/:]+):follow$}; variable {@code i}'s value is in group {@link #group}.
   *
   * @throws IllegalArgumentException for variables with a pattern of their own, which the gateway's own routes do
   *     not match (Armeria's transcoding does, for unary methods)
   */
  public String regex() {
    if (patterned) {
      throw new IllegalArgumentException("path variables with a pattern are not routed by the gateway itself: " + path);
    }
    StringBuilder regex = new StringBuilder("^");
    int index = 0;
    int i = 0;
    while (i < path.length()) {
      int open = path.indexOf('{', i);
      if (open < 0) {
        regex.append(Pattern.quote(path.substring(i)));
        break;
      }
      if (open > i) {
        regex.append(Pattern.quote(path.substring(i, open)));
      }
      regex.append("(?<").append(group(index++)).append(">[^/:]+)");
      i = path.indexOf('}', open) + 1;
    }
    return regex.append('$').toString();
  }

  /** The regex group that holds variable {@code index}'s value. */
  public static String group(int index) {
    return "p" + index;
  }

  public static PathTemplate parse(String template) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("a path template starts with '/': " + template);
    }
    StringBuilder path = new StringBuilder(template.length());
    List<String> variables = new ArrayList<>();
    boolean patterned = false;
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c == '}') {
        throw new IllegalArgumentException("unbalanced '}' in path template " + template);
      }
      if (c != '{') {
        path.append(c);
        i++;
        continue;
      }
      int end = template.indexOf('}', i);
      if (end < 0) {
        throw new IllegalArgumentException("unclosed '{' in path template " + template);
      }
      String variable = template.substring(i + 1, end);
      int pattern = variable.indexOf('=');
      patterned |= pattern >= 0;
      String fieldPath = (pattern < 0 ? variable : variable.substring(0, pattern)).strip();
      if (fieldPath.isEmpty() || fieldPath.contains("{")) {
        throw new IllegalArgumentException("bad variable '" + variable + "' in path template " + template);
      }
      variables.add(fieldPath);
      path.append('{').append(fieldPath).append('}');
      i = end + 1;
    }
    return new PathTemplate(path.toString(), variables, patterned);
  }
}
