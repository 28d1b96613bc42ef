package io.marketprism.supervisor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Readiness over plain HTTP/1.0: one connection per probe, closed right after. Pooled keep-alive
 * connections would make ClickHouse wait for them on SIGTERM, slowing every stop by its keep-alive
 * timeout. Stateless, so thread-safe.
 */
final class HttpProbe {

  private static final int TIMEOUT_MILLIS = 1000;
  private static final int MAX_BODY = 64 * 1024;

  private HttpProbe() {}

  /** The body of a 200 answer to GET {@code url}, or empty on any other outcome. */
  static Optional<String> get(String url) {
    URI uri = URI.create(url);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      String target = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
      out.write(
          ("GET " + target + " HTTP/1.0\r\nHost: " + uri.getHost() + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
      int headerEnd = response.indexOf("\r\n\r\n");
      if (!response.startsWith("HTTP/1.") || headerEnd < 0) {
        return Optional.empty();
      }
      String statusLine = response.substring(0, response.indexOf("\r\n"));
      String[] parts = statusLine.split(" ");
      if (parts.length < 2 || !parts[1].equals("200")) {
        return Optional.empty();
      }
      return Optional.of(response.substring(headerEnd + 4));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
