package io.marketprism.gateway.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code google.api.http} path template as an Armeria regex route: {@code /v1/events/{exchange}/{symbol}:follow}
 * becomes {@code ^/v1/events/(?<p0>[^/:]+)/(?<p1>[^/:]+):follow$} with the fields {@code [exchange, symbol]}. Only
 * single-segment variables ({@code {name}}, {@code {a.b}}) occur in our contracts; {@code {name=**}} forms are
 * refused so that a contract using one fails at start-up instead of routing wrongly.
 */
record PathTemplate(String template, String regex, List<String> fields) {

  static PathTemplate parse(String template) {
    StringBuilder regex = new StringBuilder("^");
    List<String> fields = new ArrayList<>();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c == '{') {
        int end = template.indexOf('}', i);
        String field = template.substring(i + 1, end);
        if (field.contains("=")) {
          throw new IllegalArgumentException("path variables with a pattern are not supported: " + template);
        }
        regex.append("(?<p").append(fields.size()).append(">[^/:]+)");
        fields.add(field);
        i = end + 1;
      } else {
        int next = template.indexOf('{', i);
        String literal = next < 0 ? template.substring(i) : template.substring(i, next);
        regex.append(Pattern.quote(literal));
        i += literal.length();
      }
    }
    return new PathTemplate(template, regex.append('$').toString(), List.copyOf(fields));
  }

  /** The regex group that holds field {@code index}'s value. */
  static String group(int index) {
    return "p" + index;
  }
}
