package io.marketprism.gateway.policy;

import java.util.regex.Pattern;

/**
 * A name pattern for gRPC methods ({@code marketprism.*.v1.*&#47;List*}) and HTTP paths ({@code /v1/tickers/*&#47;*}):
 * {@code *} matches within one segment (no {@code /} and no {@code .}), {@code **} matches anything. Immutable.
 */
public final class Glob {

  private final String text;
  private final Pattern regex;

  private Glob(String text, Pattern regex) {
    this.text = text;
    this.regex = regex;
  }

  public static Glob of(String text) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
        regex.append(".*");
        i++;
      } else if (c == '*') {
        regex.append("[^/.]*");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new Glob(text, Pattern.compile(regex.toString()));
  }

  public boolean matches(String name) {
    return regex.matcher(name).matches();
  }

  @Override
  public String toString() {
    return text;
  }
}
