package io.marketprism.gateway.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.marketprism.kit.health.ServiceHealth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /healthz}: the gateway's own health and every upstream's {@code grpc.health.v1} status, checked now over
 * the same mesh channels the routes use. 200 when all serve; 503 (status {@code DEGRADED}, or {@code NOT_SERVING}
 * while the gateway itself drains) naming the ones that do not, with why.
 *
 * <pre>{@code
 * {"status":"DEGRADED","gateway":"SERVING","upstreams":[{"service":"data-storage","status":"SERVING"},
 *  {"service":"scheduler","status":"UNAVAILABLE","error":"..."}]}
 * }</pre>
 */
public final class UpstreamHealth implements HttpService {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Upstream> upstreams;
  private final UpstreamChannels channels;
  private final ServiceHealth own;
  private final Duration timeout;

  public UpstreamHealth(List<Upstream> upstreams, UpstreamChannels channels, ServiceHealth own, Duration timeout) {
    this.upstreams = List.copyOf(upstreams);
    this.channels = channels;
    this.own = own;
    this.timeout = timeout;
  }

  /**
   * Checks every upstream once, answers ignored: in the mesh a channel's first call waits for xDS to resolve the
   * service, and that wait belongs to start-up, not to a user's first request.
   */
  public void warmUp() {
    upstreams.forEach(this::check);
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    List<CompletableFuture<ObjectNode>> checks = new ArrayList<>();
    for (Upstream upstream : upstreams) {
      checks.add(check(upstream));
    }
    CompletableFuture<HttpResponse> response =
        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
            .thenApply(
                done -> {
                  ObjectNode body = JSON.createObjectNode();
                  boolean gatewayServing =
                      own.status(ServiceHealth.OVERALL) == HealthCheckResponse.ServingStatus.SERVING;
                  boolean allServing = gatewayServing;
                  ArrayNode list = JSON.createArrayNode();
                  for (CompletableFuture<ObjectNode> check : checks) {
                    ObjectNode result = check.join();
                    allServing &= "SERVING".equals(result.get("status").asText());
                    list.add(result);
                  }
                  body.put("status", allServing ? "SERVING" : gatewayServing ? "DEGRADED" : "NOT_SERVING");
                  body.put("gateway", gatewayServing ? "SERVING" : "NOT_SERVING");
                  body.set("upstreams", list);
                  return HttpResponse.of(
                      allServing ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE,
                      MediaType.JSON_UTF_8,
                      body.toString());
                });
    return HttpResponse.of(response);
  }

  private CompletableFuture<ObjectNode> check(Upstream upstream) {
    CompletableFuture<ObjectNode> result = new CompletableFuture<>();
    ObjectNode node = JSON.createObjectNode().put("service", upstream.service());
    Futures.addCallback(
        HealthGrpc.newFutureStub(channels.of(upstream))
            .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .check(HealthCheckRequest.getDefaultInstance()),
        new FutureCallback<HealthCheckResponse>() {
          @Override
          public void onSuccess(HealthCheckResponse response) {
            result.complete(node.put("status", response.getStatus().name()));
          }

          @Override
          public void onFailure(Throwable error) {
            Status status = Status.fromThrowable(error);
            node.put("status", status.getCode().name());
            if (status.getDescription() != null) {
              node.put("error", status.getDescription());
            }
            result.complete(node);
          }
        },
        MoreExecutors.directExecutor());
    return result;
  }
}
