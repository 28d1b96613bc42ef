package io.marketprism.launcher.bench;

/**
 * The generated part of a hand-written page: everything between {@link #BEGIN} and {@link #END} is replaced, the
 * rest (the readings, the history) is kept byte for byte. A page without the markers gets the section appended.
 */
public final class MarkedSection {
  public static final String BEGIN = "<!-- bench:begin -->";
  public static final String END = "<!-- bench:end -->";

  private MarkedSection() {}

  /** {@code document} with its generated section's content set to {@code content}. */
  public static String replace(String document, String content) {
    String body = content.endsWith("\n") ? content : content + "\n";
    int begin = document.indexOf(BEGIN);
    int end = document.indexOf(END);
    if (begin < 0 && end < 0) {
      String separator = document.isEmpty() || document.endsWith("\n\n") ? "" : document.endsWith("\n") ? "\n" : "\n\n";
      return document + separator + BEGIN + "\n" + body + END + "\n";
    }
    if (begin < 0 || end < begin || document.indexOf(BEGIN, begin + 1) >= 0 || document.indexOf(END, end + 1) >= 0) {
      throw new IllegalArgumentException("the page's " + BEGIN + " / " + END + " markers are not one pair in order;"
          + " fix them by hand");
    }
    return document.substring(0, begin) + BEGIN + "\n" + body + document.substring(end);
  }
}
