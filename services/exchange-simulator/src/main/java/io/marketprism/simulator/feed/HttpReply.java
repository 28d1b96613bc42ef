package io.marketprism.simulator.feed;

/** A JSON answer to an HTTP request. */
public record HttpReply(int status, String json) {

  public static HttpReply ok(String json) {
    return new HttpReply(200, json);
  }

  /** A {@code {"error": "..."}} body; the message is escaped as a JSON string. */
  public static HttpReply error(int status, String message) {
    return new HttpReply(status, "{\"error\":" + Json.quote(message) + "}");
  }
}
