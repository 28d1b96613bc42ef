package io.marketprism.controlplane.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The traffic policy of one mesh service, as the mesh policy file states it (after {@code defaults} are applied).
 * Every part is optional: an absent part means the xDS default (round robin, no breaker, no retries...).
 *
 * @param loadBalancing how clients pick an instance
 * @param circuitBreaker limits on calls in flight
 * @param outlierDetection ejection of instances that fail
 * @param retry which failures clients retry
 * @param timeout deadline of every call routed to the service
 * @param split traffic split across versions by weight; empty = every version together
 * @param headerRoutes calls carrying a header value go to one version; checked before {@code split}
 * @param fault injected delays and aborts
 * @param mtls how the service's servers and its clients secure connections
 * @param rbac which service identities may call which methods; empty = everyone
 */
public record ServicePolicy(
    Optional<LoadBalancing> loadBalancing,
    Optional<CircuitBreaker> circuitBreaker,
    Optional<OutlierDetection> outlierDetection,
    Optional<Retry> retry,
    Optional<Duration> timeout,
    List<VersionWeight> split,
    List<HeaderRoute> headerRoutes,
    Optional<Fault> fault,
    Optional<MtlsMode> mtls,
    Optional<Rbac> rbac) {

  /** No policy at all. */
  public static final ServicePolicy EMPTY =
      new ServicePolicy(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty());

  /** This policy, with each part it leaves out taken from {@code defaults}. */
  public ServicePolicy orElse(ServicePolicy defaults) {
    return new ServicePolicy(
        loadBalancing.or(defaults::loadBalancing),
        circuitBreaker.or(defaults::circuitBreaker),
        outlierDetection.or(defaults::outlierDetection),
        retry.or(defaults::retry),
        timeout.or(defaults::timeout),
        split.isEmpty() ? defaults.split : split,
        headerRoutes.isEmpty() ? defaults.headerRoutes : headerRoutes,
        fault.or(defaults::fault),
        mtls.or(defaults::mtls),
        rbac.or(defaults::rbac));
  }

  /** The mTLS mode in force: DISABLE unless stated. */
  public MtlsMode mtlsMode() {
    return mtls.orElse(MtlsMode.DISABLE);
  }

  public enum LbPolicy { ROUND_ROBIN, LEAST_REQUEST, RING_HASH }

  /**
   * @param hashHeader RING_HASH: the request header whose value picks the instance
   * @param choiceCount LEAST_REQUEST: instances compared per pick
   */
  public record LoadBalancing(LbPolicy policy, Optional<String> hashHeader, int choiceCount) {}

  /** @param maxRequests calls in flight to the whole service beyond which calls fail fast with UNAVAILABLE */
  public record CircuitBreaker(int maxRequests) {}

  /**
   * Failure-percentage ejection (the algorithm gRPC and Envoy share).
   *
   * @param failurePercentage an instance failing at least this percentage of its calls in an interval is ejected
   * @param minimumHosts ejection only happens with at least this many instances
   * @param requestVolume an instance is judged only after this many calls in the interval
   */
  public record OutlierDetection(
      Duration interval, Duration baseEjectionTime, int maxEjectionPercent, int failurePercentage, int minimumHosts,
      int requestVolume) {}

  /**
   * @param codes gRPC status codes retried, lower case with dashes as xDS spells them ({@code unavailable})
   * @param attempts attempts in all, the first included
   */
  public record Retry(Set<String> codes, int attempts, Duration initialBackoff, Duration maxBackoff) {}

  public record VersionWeight(String version, int weight) {}

  public record HeaderRoute(String header, String exact, String version) {}

  /**
   * @param delay added to {@code delayPercent} percent of calls
   * @param abortCode gRPC status code returned to {@code abortPercent} percent of calls
   */
  public record Fault(Optional<Duration> delay, int delayPercent, Optional<Integer> abortCode, int abortPercent) {}

  public enum MtlsMode {
    /** Servers accept only mesh clients presenting a certificate of the mesh CA. */
    STRICT,
    /** Servers use TLS but do not require a client certificate (operators' tools without one can call). */
    PERMISSIVE,
    /** Plaintext. */
    DISABLE
  }

  /** @param allow the rules; a call matching none is refused with PERMISSION_DENIED */
  public record Rbac(List<RbacRule> allow) {}

  /**
   * @param from a calling service's name (its SPIFFE id is {@code spiffe://marketprism/service/<from>}),
   *     {@code operator/<name>} for one operator's certificate ({@code marketprism pki issue --name <name>}:
   *     {@code spiffe://marketprism/operator/<name>}), {@code operator/*} for any operator, or {@code *} for any mesh
   *     identity (services and operators)
   * @param methods full method names ({@code /pkg.Service/Method}), {@code /pkg.Service/*} or {@code *}
   */
  public record RbacRule(String from, List<String> methods) {}
}
