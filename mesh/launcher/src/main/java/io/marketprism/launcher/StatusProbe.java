package io.marketprism.launcher;

import io.marketprism.supervisor.GrpcHealthClient;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;

/**
 * How {@code status} learns health; an interface so the JSON shape can be tested without servers.
 */
interface StatusProbe {

  /**
   * {@code grpc.health.v1} status of the server at {@code address} ({@code host:port}): SERVING,
   * DOWN, ...
   */
  String grpcHealth(String address);

  /** True when GET {@code url} answers 200. */
  boolean httpOk(String url);

  /** Probes real servers with short deadlines. */
  StatusProbe LIVE =
      new StatusProbe() {
        @Override
        public String grpcHealth(String address) {
          int colon = address.lastIndexOf(':');
          return GrpcHealthClient.checkOnce(
                  address.substring(0, colon),
                  Integer.parseInt(address.substring(colon + 1)),
                  Duration.ofSeconds(2))
              .name();
        }

        @Override
        public boolean httpOk(String url) {
          HttpURLConnection connection = null;
          try {
            connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(2000);
            return connection.getResponseCode() == 200;
          } catch (IOException e) {
            return false;
          } finally {
            if (connection != null) {
              connection.disconnect();
            }
          }
        }
      };
}
