package io.marketprism.monitoring.rules;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.marketprism.kit.api.FieldViolations;
import io.marketprism.monitoring.series.Labels;
import io.marketprism.monitoring.v1.LabelMatcher;
import java.util.List;

/**
 * Label matchers as Prometheus applies them — a missing label equals "", regexes are RE2 and must match the whole
 * value — compiled once so that matching a series is a few comparisons.
 */
public final class LabelMatchers {

  static final java.util.regex.Pattern LABEL_NAME = java.util.regex.Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final String[] names;
  private final LabelMatcher[] matchers;
  private final Pattern[] patterns;

  private LabelMatchers(List<LabelMatcher> matchers) {
    int n = matchers.size();
    this.names = new String[n];
    this.matchers = matchers.toArray(new LabelMatcher[0]);
    this.patterns = new Pattern[n];
    for (int i = 0; i < n; i++) {
      names[i] = this.matchers[i].getName();
      switch (this.matchers[i].getType()) {
        case MATCH_TYPE_REGEX, MATCH_TYPE_NOT_REGEX -> patterns[i] = Pattern.compile(this.matchers[i].getValue());
        default -> patterns[i] = null;
      }
    }
  }

  /** Compiles matchers already checked by {@link #check}. */
  public static LabelMatchers compile(List<LabelMatcher> matchers) {
    return new LabelMatchers(matchers);
  }

  /** Adds what is wrong with {@code matchers} to {@code bad}, naming fields {@code field[i].name} etc. */
  public static void check(List<LabelMatcher> matchers, String field, FieldViolations bad) {
    for (int i = 0; i < matchers.size(); i++) {
      LabelMatcher matcher = matchers.get(i);
      String at = field + "[" + i + "]";
      if (!LABEL_NAME.matcher(matcher.getName()).matches()) {
        bad.add(at + ".name", "must match [a-zA-Z_][a-zA-Z0-9_]* (was \"" + matcher.getName() + "\")");
      }
      switch (matcher.getType()) {
        case MATCH_TYPE_EQUAL, MATCH_TYPE_NOT_EQUAL -> { }
        case MATCH_TYPE_REGEX, MATCH_TYPE_NOT_REGEX -> {
          try {
            Pattern.compile(matcher.getValue());
          } catch (PatternSyntaxException e) {
            bad.add(at + ".value", "not an RE2 regular expression: " + e.getMessage());
          }
        }
        default -> bad.add(at + ".type", "must be MATCH_TYPE_EQUAL, _NOT_EQUAL, _REGEX or _NOT_REGEX");
      }
    }
  }

  /** True when {@code labels} satisfy every matcher. O(matchers × log labels), plus the regexes. */
  public boolean matches(Labels labels) {
    for (int i = 0; i < names.length; i++) {
      String value = labels.get(names[i]);
      boolean ok = switch (matchers[i].getType()) {
        case MATCH_TYPE_EQUAL -> value.equals(matchers[i].getValue());
        case MATCH_TYPE_NOT_EQUAL -> !value.equals(matchers[i].getValue());
        case MATCH_TYPE_REGEX -> patterns[i].matches(value);
        case MATCH_TYPE_NOT_REGEX -> !patterns[i].matches(value);
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  public boolean isEmpty() {
    return names.length == 0;
  }
}
