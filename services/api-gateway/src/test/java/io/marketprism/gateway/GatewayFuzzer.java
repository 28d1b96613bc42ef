package io.marketprism.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends malformed HTTP requests to the gateway over raw sockets, so nothing a client library would refuse to send is
 * spared: bad path variables and encodings, bad query values and unknown parameters, unknown methods, broken and
 * mistyped JSON, deep nesting, oversized bodies and headers, garbage gRPC frames, bad {@code grpc-timeout}s and
 * broken request lines. Routes are those of services that are fully implemented, so any 5xx is the gateway's or a
 * service's fault, never an honest "not implemented". Deterministic for a seed.
 */
final class GatewayFuzzer {

  /**
   * What the run saw: answers by status; 5xx answers other than 504 (and a few of them in full); 504s to requests
   * that asked for a deadline of a microsecond or less ({@code grpc-timeout: 0n}, {@code 1u}), which is the right
   * answer to them; other 504s, which say an upstream took longer than the route's deadline on a loaded machine rather
   * than anything about the input; and connections closed without an answer.
   */
  record Result(
      int sent,
      Map<Integer, Integer> byStatus,
      List<String> serverErrorSamples,
      int serverErrors,
      int askedForDeadlines,
      int timeouts,
      List<String> timeoutSamples,
      int unanswered) {}

  /** A header the gateway ignores, marking a request that asked for a deadline it cannot meet. */
  private static final String TINY_DEADLINE_MARK = "x-fuzz-deadline: tiny";

  private static final String[] TEMPLATES = {
    "GET /v1/trades/{a}/{b}",
    "GET /v1/tickers/{a}/{b}/latest",
    "GET /v1/books/{a}/{b}/snapshot",
    "GET /v1/candles/{a}/{b}",
    "GET /v1/events/{a}/{b}:replay",
    "POST /v1/trades:write",
    "POST /v1/tickers:write",
    "POST /v1/books:write",
    "GET /v1/broker/streams",
    "GET /v1/broker/streams/{a}",
    "GET /v1/broker/streams/{a}/consumers",
    "POST /v1/broker/streams",
    "POST /v1/broker/publish",
    "GET /v1/registry/instances",
    "GET /v1/registry/services/{a}/instances/{b}",
  };
  private static final String[] BAD_SEGMENTS = {
    "", "%00", "%ff%fe", "..%2F..%2Fetc%2Fpasswd", "%E2%82", "\u4ef7\u683c", "%7Bx%7D", "a%20b", "%2F", "-", "*",
    "BTC-USDT%0d%0aX-Injected:%201", "x".repeat(3000), "binance", "BTC-USDT", ";", "'%20OR%201=1--"
  };
  private static final String[] QUERY_NAMES = {
    "limit", "start_time_ns", "end_time_ns", "page_token", "data_types", "interval", "resume_token", "startTimeNs",
    "colour", "a.b.c.d", "", "%00", "limit[]", "services"
  };
  private static final String[] QUERY_VALUES = {
    "abc", "-1", "0", "99999999999999999999", "1e9", "NaN", "%ff", "!!!", "BOGUS", "", "true", "-9223372036854775809",
    "DATA_TYPE_TRADE", "1.5", "%00", "x".repeat(2000), "%25%25%25"
  };
  private static final String[] BODIES = {
    "{", "[1,2", "\"\\u0000\"", "null", "{\"trades\":\"x\"}", "{\"trades\":[{\"price\":1.5}]}",
    "{\"trades\":[{\"exchange_time_ns\":\"abc\"}]}", "{\"trades\":[{}]}", "{\"unknown\":1}", "{\"config\":{\"name\":7}}",
    "{\"subject\":\"md.>\",\"payload\":\"!!\"}", "{\"trades\":[" + "{\"side\":\"SIDE_NOPE\"},".repeat(50) + "{}]}",
    "[".repeat(20_000), "{\"a\":".repeat(5_000), "\u0000\u0001\u0002", "{\"trades\":[{\"price\":\"1e400\"}]}",
  };
  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "BREW"};
  private static final String[] CONTENT_TYPES = {
    "application/json", "text/plain", "application/grpc", "application/grpc-web+proto", "application/x-protobuf",
    "multipart/form-data; boundary=x", "application/json; charset=latin1", ""
  };

  private final String host = "127.0.0.1";
  private final int port;
  private final String authorization;
  private final long seed;

  GatewayFuzzer(int port, String authorization, long seed) {
    this.port = port;
    this.authorization = authorization;
    this.seed = seed;
  }

  Result run(int requests, int concurrency) throws InterruptedException {
    Map<Integer, Integer> byStatus = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> timeoutSamples = new ConcurrentLinkedQueue<>();
    AtomicInteger serverErrors = new AtomicInteger();
    AtomicInteger timeouts = new AtomicInteger();
    AtomicInteger askedFor = new AtomicInteger();
    AtomicInteger unanswered = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    for (int i = 0; i < requests; i++) {
      Random random = new Random(seed * 31 + i);
      workers.submit(
          () -> {
            byte[] request = request(random);
            boolean tinyDeadline = new String(request, StandardCharsets.ISO_8859_1).contains(TINY_DEADLINE_MARK);
            sent.incrementAndGet();
            int status = send(request);
            if (status < 0) {
              unanswered.incrementAndGet();
              return;
            }
            byStatus.merge(status, 1, Integer::sum);
            if (status == 504 && tinyDeadline) {
              askedFor.incrementAndGet();
            } else if (status == 504) {
              timeouts.incrementAndGet();
              sample(timeoutSamples, status, request);
            } else if (status >= 500) {
              serverErrors.incrementAndGet();
              sample(samples, status, request);
            }
          });
    }
    workers.shutdown();
    if (!workers.awaitTermination(10, TimeUnit.MINUTES)) {
      workers.shutdownNow();
      throw new IllegalStateException("the fuzz did not finish in 10 minutes");
    }
    return new Result(
        sent.get(),
        Map.copyOf(byStatus),
        List.copyOf(samples),
        serverErrors.get(),
        askedFor.get(),
        timeouts.get(),
        List.copyOf(timeoutSamples),
        unanswered.get());
  }

  private static void sample(ConcurrentLinkedQueue<String> samples, int status, byte[] request) {
    if (samples.size() < 5) {
      String text = new String(request, StandardCharsets.UTF_8);
      samples.add(status + " <- " + text.substring(0, Math.min(300, text.length())));
    }
  }

  private byte[] request(Random random) {
    int kind = random.nextInt(20);
    if (kind == 0) {
      return brokenRequestLine(random);
    }
    String template = TEMPLATES[random.nextInt(TEMPLATES.length)];
    String method = template.substring(0, template.indexOf(' '));
    if (random.nextInt(8) == 0) {
      method = METHODS[random.nextInt(METHODS.length)];
    }
    String path = template.substring(template.indexOf(' ') + 1);
    path = path.replace("{a}", segment(random)).replace("{b}", segment(random));
    if (random.nextInt(10) == 0) {
      path = "/v1/" + segment(random) + "/" + segment(random);
    }
    StringBuilder query = new StringBuilder();
    for (int q = random.nextInt(4); q > 0; q--) {
      query.append(query.length() == 0 ? '?' : '&')
          .append(QUERY_NAMES[random.nextInt(QUERY_NAMES.length)])
          .append('=')
          .append(QUERY_VALUES[random.nextInt(QUERY_VALUES.length)]);
    }
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(query).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(host).append(':').append(port).append("\r\n");
    head.append("Connection: close\r\n");
    if (random.nextInt(30) != 0) {
      head.append("Authorization: ").append(authorization).append("\r\n");
    } else {
      head.append("Authorization: Bearer ").append(QUERY_VALUES[random.nextInt(QUERY_VALUES.length)]).append("\r\n");
    }
    if (random.nextInt(15) == 0) {
      String timeout = new String[] {"9999999999H", "abc", "-1S", "0n", "1u"}[random.nextInt(5)];
      head.append("grpc-timeout: ").append(timeout).append("\r\n");
      if (timeout.equals("0n") || timeout.equals("1u")) {
        head.append(TINY_DEADLINE_MARK).append("\r\n");
      }
    }
    if (random.nextInt(40) == 0) {
      head.append("X-Large: ").append("y".repeat(20_000)).append("\r\n");
    }
    if (random.nextInt(15) == 0) {
      head.append("Accept: ").append(new String[] {"text/event-stream", "*/*;q=x", "\u00ff"}[random.nextInt(3)]).append("\r\n");
    }
    byte[] body = body(random, method);
    if (body.length > 0 || method.equals("POST")) {
      head.append("Content-Type: ").append(CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)]).append("\r\n");
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static String segment(Random random) {
    return BAD_SEGMENTS[random.nextInt(BAD_SEGMENTS.length)];
  }

  private static byte[] body(Random random, String method) {
    if (method.equals("GET") || method.equals("HEAD")) {
      return new byte[0];
    }
    int choice = random.nextInt(BODIES.length + 3);
    if (choice == BODIES.length) {
      return new byte[2 << 20]; // over the 1 MiB request limit
    }
    if (choice == BODIES.length + 1) {
      byte[] garbage = new byte[1 + random.nextInt(512)];
      random.nextBytes(garbage);
      return garbage;
    }
    if (choice == BODIES.length + 2) {
      // a gRPC frame that claims more than it carries
      return new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3};
    }
    return BODIES[choice].getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] brokenRequestLine(Random random) {
    String[] lines = {
      "GARBAGE\r\n\r\n",
      "GET /v1/trades/binance/BTC-USDT HTTP/9.9\r\nHost: x\r\n\r\n",
      "GET\r\n\r\n",
      "POST /v1/trades:write HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
      "GET /v1/trades/%zz/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
      "POST /v1/trades:write HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n",
    };
    return lines[random.nextInt(lines.length)].getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The response's status code, or -1 if the connection closed without one. */
  private int send(byte[] request) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException refusedMidBody) {
        // the server may answer (413) and close before taking the whole body: read what it said
      }
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\n' && line.length() < 200; c = in.read()) {
        line.append((char) c);
      }
      String[] parts = line.toString().split(" ");
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        return -1;
      }
      return Integer.parseInt(parts[1]);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }
}
