package io.marketprism.collector.exchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Fixture frames from {@code src/test/resources/frames/<exchange>/}, one frame per line. */
public final class Frames {
  /** A fixed receive time, so events compare exactly. */
  public static final long RECEIVE_NS = 1_700_000_000_123_456_789L;

  private Frames() {}

  public static List<String> lines(String path) {
    try (InputStream in = Frames.class.getResourceAsStream("/frames/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The single frame of a one-frame fixture. */
  public static String frame(String path) {
    List<String> lines = lines(path);
    if (lines.size() != 1) {
      throw new IllegalArgumentException(path + " has " + lines.size() + " frames");
    }
    return lines.get(0);
  }

  /** Feeds every line of a fixture. */
  public static void feed(ExchangeFeed feed, String path) {
    for (String line : lines(path)) {
      feed.handle(line, RECEIVE_NS);
    }
  }
}
