package io.marketprism.simulator.exchange.deribit;

import io.marketprism.simulator.feed.Json;

/** JSON-RPC 2.0 envelopes as Deribit writes them, with its {@code usIn}/{@code usOut}/{@code usDiff} timing fields. */
final class DeribitRpc {

  /** The API version {@code public/test} and {@code public/hello} report. */
  static final String VERSION = "1.2.26";

  private DeribitRpc() {}

  /** @param id the request's id as JSON text ({@code 42}, {@code "abc"}), or null for HTTP answers */
  static String result(String id, String resultJson, long usIn) {
    long usOut = System.currentTimeMillis() * 1000;
    StringBuilder out = new StringBuilder(resultJson.length() + 128).append("{\"jsonrpc\":\"2.0\",");
    if (id != null) {
      out.append("\"id\":").append(id).append(',');
    }
    return out.append("\"result\":").append(resultJson).append(",\"usIn\":").append(usIn).append(",\"usOut\":")
        .append(usOut).append(",\"usDiff\":").append(Math.max(0, usOut - usIn)).append(",\"testnet\":false}")
        .toString();
  }

  static String error(String id, int code, String message) {
    return "{\"jsonrpc\":\"2.0\"," + (id == null ? "" : "\"id\":" + id + ",") + "\"error\":{\"code\":" + code
        + ",\"message\":" + Json.quote(message) + "},\"testnet\":false}";
  }
}
