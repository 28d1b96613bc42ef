package io.marketprism.gateway.openapi;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code google.api.http} path template in OpenAPI form. Variables keep their field path as the parameter name
 * ({@code {config.name}}), a variable's own pattern ({@code {name=streams/*}}) is dropped since OpenAPI cannot say
 * it, and a custom verb ({@code /v1/storage:archive}) stays part of the path, as the gateway matches it.
 *
 * @param path the OpenAPI path, e.g. {@code /v1/trades/{exchange}/{symbol}}
 * @param variables the field paths of the variables, in order, e.g. {@code [exchange, symbol]}
 */
record PathTemplate(String path, List<String> variables) {

  PathTemplate {
    variables = List.copyOf(variables);
  }

  static PathTemplate parse(String template) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("a path template starts with '/': " + template);
    }
    StringBuilder path = new StringBuilder(template.length());
    List<String> variables = new ArrayList<>();
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
      String fieldPath = (pattern < 0 ? variable : variable.substring(0, pattern)).strip();
      if (fieldPath.isEmpty() || fieldPath.contains("{")) {
        throw new IllegalArgumentException("bad variable '" + variable + "' in path template " + template);
      }
      variables.add(fieldPath);
      path.append('{').append(fieldPath).append('}');
      i = end + 1;
    }
    return new PathTemplate(path.toString(), variables);
  }
}
