package io.marketprism.monitoring.scrape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of Prometheus' text exposition format 0.0.4 (what every MarketPrism service serves on
 * {@code /metrics} and most exporters do): one sample per line, {@code name{label="value",...} value [timestamp]};
 * {@code #} lines are comments (HELP and TYPE are not needed to evaluate rules). Maven Central has writers of this
 * format but no reader, hence this one. A malformed line fails the whole scrape with its line number, as Prometheus
 * does, rather than keeping a partial, misleading picture.
 */
public final class PrometheusText {

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  // Double.parseDouble alone would also take Java's "1d", "0x1p3" and padded text
  private static final Pattern NUMBER = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

  /** One sample as exposed. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** A scrape that is not in the format. */
  public static final class FormatException extends Exception {
    public FormatException(int line, String why) {
      super("line " + line + ": " + why);
    }
  }

  private PrometheusText() {}

  public static List<Sample> parse(String text) throws FormatException {
    List<Sample> samples = new ArrayList<>();
    int lineNumber = 0;
    for (String line : text.split("\n", -1)) {
      lineNumber++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      samples.add(new LineParser(trimmed, lineNumber).sample());
    }
    return samples;
  }

  /** Reads one sample line left to right. */
  private static final class LineParser {
    private final String line;
    private final int number;
    private int pos;

    LineParser(String line, int number) {
      this.line = line;
      this.number = number;
    }

    Sample sample() throws FormatException {
      int nameEnd = pos;
      while (nameEnd < line.length() && line.charAt(nameEnd) != '{' && !Character.isWhitespace(line.charAt(nameEnd))) {
        nameEnd++;
      }
      String name = line.substring(0, nameEnd);
      if (!METRIC_NAME.matcher(name).matches()) {
        throw new FormatException(number, "bad metric name \"" + name + "\"");
      }
      pos = nameEnd;
      Map<String, String> labels = new TreeMap<>();
      if (pos < line.length() && line.charAt(pos) == '{') {
        pos++;
        labels(labels);
      }
      String[] rest = line.substring(pos).strip().split("\\s+");
      if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
        throw new FormatException(number, "expected a value and an optional timestamp after " + name);
      }
      if (rest.length == 2 && !rest[1].matches("-?[0-9]+")) {
        throw new FormatException(number, "bad timestamp \"" + rest[1] + "\"");
      }
      return new Sample(name, labels, value(rest[0]));
    }

    private void labels(Map<String, String> labels) throws FormatException {
      while (true) {
        skipSpaces();
        if (peek() == '}') {
          pos++;
          return;
        }
        int start = pos;
        while (pos < line.length() && line.charAt(pos) != '=' && line.charAt(pos) != ' ') {
          pos++;
        }
        String label = line.substring(start, pos);
        if (!LABEL_NAME.matcher(label).matches()) {
          throw new FormatException(number, "bad label name \"" + label + "\"");
        }
        skipSpaces();
        expect('=');
        skipSpaces();
        expect('"');
        if (labels.put(label, quoted()) != null) {
          throw new FormatException(number, "label " + label + " given twice");
        }
        skipSpaces();
        if (peek() == ',') {
          pos++;
        } else if (peek() != '}') {
          throw new FormatException(number, "expected , or } after label " + label);
        }
      }
    }

    // the rest of a quoted label value, escapes \\ \" \n undone
    private String quoted() throws FormatException {
      StringBuilder value = new StringBuilder();
      while (pos < line.length()) {
        char c = line.charAt(pos++);
        if (c == '"') {
          return value.toString();
        }
        if (c == '\\') {
          if (pos >= line.length()) {
            break;
          }
          char escaped = line.charAt(pos++);
          switch (escaped) {
            case '\\' -> value.append('\\');
            case '"' -> value.append('"');
            case 'n' -> value.append('\n');
            default -> throw new FormatException(number, "bad escape \\" + escaped + " in a label value");
          }
        } else {
          value.append(c);
        }
      }
      throw new FormatException(number, "unterminated label value");
    }

    private double value(String text) throws FormatException {
      switch (text) {
        case "+Inf", "Inf" -> {
          return Double.POSITIVE_INFINITY;
        }
        case "-Inf" -> {
          return Double.NEGATIVE_INFINITY;
        }
        case "NaN" -> {
          return Double.NaN;
        }
        default -> {
          if (!NUMBER.matcher(text).matches()) {
            throw new FormatException(number, "bad value \"" + text + "\"");
          }
          try {
            return Double.parseDouble(text);
          } catch (NumberFormatException e) {
            throw new FormatException(number, "bad value \"" + text + "\"");
          }
        }
      }
    }

    private char peek() throws FormatException {
      if (pos >= line.length()) {
        throw new FormatException(number, "unexpected end of line");
      }
      return line.charAt(pos);
    }

    private void expect(char c) throws FormatException {
      if (peek() != c) {
        throw new FormatException(number, "expected " + c + " at column " + (pos + 1));
      }
      pos++;
    }

    private void skipSpaces() {
      while (pos < line.length() && line.charAt(pos) == ' ') {
        pos++;
      }
    }
  }
}
