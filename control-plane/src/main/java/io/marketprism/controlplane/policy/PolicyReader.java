package io.marketprism.controlplane.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.marketprism.controlplane.policy.ServicePolicy.CircuitBreaker;
import io.marketprism.controlplane.policy.ServicePolicy.Fault;
import io.marketprism.controlplane.policy.ServicePolicy.HeaderRoute;
import io.marketprism.controlplane.policy.ServicePolicy.LbPolicy;
import io.marketprism.controlplane.policy.ServicePolicy.LoadBalancing;
import io.marketprism.controlplane.policy.ServicePolicy.MtlsMode;
import io.marketprism.controlplane.policy.ServicePolicy.OutlierDetection;
import io.marketprism.controlplane.policy.ServicePolicy.Rbac;
import io.marketprism.controlplane.policy.ServicePolicy.RbacRule;
import io.marketprism.controlplane.policy.ServicePolicy.Retry;
import io.marketprism.controlplane.policy.ServicePolicy.VersionWeight;
import io.marketprism.kit.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a mesh policy file. The first problem found is reported with the path of the field
 * ({@code services.data-storage.retry.attempts: must be 1 to 5 (was 9)}); unknown keys are refused so a typo never
 * silently drops a setting.
 *
 * <pre>{@code
 * defaults:
 *   mtls: STRICT
 * services:
 *   data-storage:
 *     load-balancing: {policy: RING_HASH, hash-header: x-symbol}    # or ROUND_ROBIN, LEAST_REQUEST (choice-count)
 *     circuit-breaker: {max-requests: 100}
 *     outlier-detection: {interval: 1s, base-ejection-time: 30s, max-ejection-percent: 50,
 *                         failure-percentage: 50, minimum-hosts: 3, request-volume: 20}
 *     retry: {codes: [UNAVAILABLE], attempts: 3, initial-backoff: 25ms, max-backoff: 250ms}
 *     timeout: 5s
 *     split: [{version: "1.0", weight: 90}, {version: "1.1", weight: 10}]
 *     header-routes: [{header: x-canary, exact: "true", version: "1.1"}]
 *     fault: {delay: 100ms, delay-percent: 10, abort-code: UNAVAILABLE, abort-percent: 5}
 *     mtls: STRICT                                                   # STRICT, PERMISSIVE, DISABLE
 *     rbac: {allow: [{from: api-gateway, methods: ["/marketprism.storage.v1.StorageService/*"]},
 *                    {from: "operator/*", methods: ["/marketprism.storage.v1.StorageService/ListTrades"]}]}
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class PolicyReader {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern SERVICE = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  /** An RBAC caller: a service, any operator or one operator ({@code pki issue --name}), or any mesh identity. */
  private static final Pattern CALLER = Pattern.compile("\\*|operator/(\\*|[a-z][a-z0-9-]{0,62})|[a-z][a-z0-9-]{0,62}");
  private static final Pattern HEADER = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern METHOD = Pattern.compile("\\*|/[A-Za-z0-9_.]+/(\\*|[A-Za-z0-9_]+)");
  /** Codes gRPC clients can retry on (gRFC A44). */
  private static final Set<String> RETRYABLE =
      Set.of("cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable");

  /** Reads policy text; empty text is an empty policy. */
  public MeshPolicy read(String yaml) throws PolicyException {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new PolicyException("not valid YAML: " + e.getOriginalMessage()
          + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""), e);
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return MeshPolicy.EMPTY;
    }
    Obj top = new Obj("", root, Set.of("defaults", "services"));
    Optional<Obj> defaultsNode = top.obj("defaults");
    ServicePolicy defaults = defaultsNode.isPresent() ? service(defaultsNode.get()) : ServicePolicy.EMPTY;
    Map<String, ServicePolicy> services = new LinkedHashMap<>();
    Optional<JsonNode> servicesNode = top.node("services");
    if (servicesNode.isPresent()) {
      if (!servicesNode.get().isObject()) {
        throw new PolicyException("services: must be a map of service name to policy");
      }
      Iterator<Map.Entry<String, JsonNode>> it = servicesNode.get().fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String path = "services." + e.getKey();
        if (!SERVICE.matcher(e.getKey()).matches()) {
          throw new PolicyException(path + ": service names are 1 to 63 characters of [a-z0-9-] starting with a letter");
        }
        services.put(e.getKey(), service(new Obj(path, e.getValue(), SERVICE_KEYS)));
      }
    }
    return new MeshPolicy(defaults, services);
  }

  private static final Set<String> SERVICE_KEYS =
      Set.of("load-balancing", "circuit-breaker", "outlier-detection", "retry", "timeout", "split", "header-routes",
          "fault", "mtls", "rbac");

  private ServicePolicy service(Obj o) throws PolicyException {
    o.allow(SERVICE_KEYS);
    Optional<LoadBalancing> lb = Optional.empty();
    if (o.has("load-balancing")) {
      Obj l = o.obj("load-balancing").orElseThrow().allow(Set.of("policy", "hash-header", "choice-count"));
      LbPolicy policy = l.enumValue("policy", LbPolicy.class).orElse(LbPolicy.ROUND_ROBIN);
      Optional<String> header = l.string("hash-header");
      if (policy == LbPolicy.RING_HASH && header.isEmpty()) {
        throw new PolicyException(l.path("hash-header") + ": is required with policy RING_HASH");
      }
      if (policy != LbPolicy.RING_HASH && header.isPresent()) {
        throw new PolicyException(l.path("hash-header") + ": only applies to policy RING_HASH");
      }
      if (header.isPresent() && !HEADER.matcher(header.get()).matches()) {
        throw new PolicyException(l.path("hash-header") + ": must be a lower-case header name (was \"" + header.get() + "\")");
      }
      int choices = l.integer("choice-count", 2, 10).orElse(2);
      lb = Optional.of(new LoadBalancing(policy, header, choices));
    }
    Optional<CircuitBreaker> breaker = Optional.empty();
    if (o.has("circuit-breaker")) {
      Obj c = o.obj("circuit-breaker").orElseThrow().allow(Set.of("max-requests"));
      breaker = Optional.of(new CircuitBreaker(c.required(c.integer("max-requests", 1, 1_000_000), "max-requests")));
    }
    Optional<OutlierDetection> outlier = Optional.empty();
    if (o.has("outlier-detection")) {
      Obj d = o.obj("outlier-detection").orElseThrow()
          .allow(Set.of("interval", "base-ejection-time", "max-ejection-percent", "failure-percentage", "minimum-hosts", "request-volume"));
      outlier = Optional.of(new OutlierDetection(
          d.duration("interval").orElse(Duration.ofSeconds(10)),
          d.duration("base-ejection-time").orElse(Duration.ofSeconds(30)),
          d.integer("max-ejection-percent", 1, 100).orElse(10),
          d.integer("failure-percentage", 1, 100).orElse(85),
          d.integer("minimum-hosts", 1, 1000).orElse(5),
          d.integer("request-volume", 1, 100_000).orElse(50)));
    }
    Optional<Retry> retry = Optional.empty();
    if (o.has("retry")) {
      Obj r = o.obj("retry").orElseThrow().allow(Set.of("codes", "attempts", "initial-backoff", "max-backoff"));
      Set<String> codes = new LinkedHashSet<>();
      for (String code : r.strings("codes").orElse(List.of("UNAVAILABLE"))) {
        String xds = code.toLowerCase(Locale.ROOT).replace('_', '-');
        if (!RETRYABLE.contains(xds)) {
          throw new PolicyException(r.path("codes") + ": " + code
              + " cannot be retried (use CANCELLED, DEADLINE_EXCEEDED, INTERNAL, RESOURCE_EXHAUSTED or UNAVAILABLE)");
        }
        codes.add(xds);
      }
      Duration initial = r.duration("initial-backoff").orElse(Duration.ofMillis(25));
      Duration max = r.duration("max-backoff").orElse(initial.multipliedBy(10));
      if (max.compareTo(initial) < 0) {
        throw new PolicyException(r.path("max-backoff") + ": must not be shorter than initial-backoff");
      }
      retry = Optional.of(new Retry(codes, r.integer("attempts", 1, 5).orElse(2), initial, max));
    }
    Optional<Duration> timeout = o.duration("timeout");
    List<VersionWeight> split = new ArrayList<>();
    for (Obj s : o.objects("split")) {
      s.allow(Set.of("version", "weight"));
      split.add(new VersionWeight(s.required(s.matching("version", VERSION), "version"),
          s.required(s.integer("weight", 0, 1000), "weight")));
    }
    if (!split.isEmpty() && split.stream().mapToInt(VersionWeight::weight).sum() == 0) {
      throw new PolicyException(o.path("split") + ": weights must not all be 0");
    }
    if (new HashSet<>(split.stream().map(VersionWeight::version).toList()).size() != split.size()) {
      throw new PolicyException(o.path("split") + ": a version appears twice");
    }
    List<HeaderRoute> headerRoutes = new ArrayList<>();
    for (Obj h : o.objects("header-routes")) {
      h.allow(Set.of("header", "exact", "version"));
      String header = h.required(h.string("header"), "header");
      if (!HEADER.matcher(header).matches() || header.startsWith("grpc-")) {
        throw new PolicyException(h.path("header") + ": must be a lower-case header name not starting with grpc- (was \"" + header + "\")");
      }
      headerRoutes.add(new HeaderRoute(header, h.required(h.string("exact"), "exact"),
          h.required(h.matching("version", VERSION), "version")));
    }
    Optional<Fault> fault = Optional.empty();
    if (o.has("fault")) {
      Obj f = o.obj("fault").orElseThrow().allow(Set.of("delay", "delay-percent", "abort-code", "abort-percent"));
      Optional<Integer> abortCode = f.enumValue("abort-code", io.grpc.Status.Code.class).map(io.grpc.Status.Code::value);
      if (abortCode.isPresent() && abortCode.get() == 0) {
        throw new PolicyException(f.path("abort-code") + ": OK is not a failure");
      }
      fault = Optional.of(new Fault(f.duration("delay"), f.integer("delay-percent", 0, 100).orElse(0), abortCode,
          f.integer("abort-percent", 0, 100).orElse(0)));
    }
    Optional<MtlsMode> mtls = o.enumValue("mtls", MtlsMode.class);
    Optional<Rbac> rbac = Optional.empty();
    if (o.has("rbac")) {
      Obj r = o.obj("rbac").orElseThrow().allow(Set.of("allow"));
      List<RbacRule> rules = new ArrayList<>();
      for (Obj rule : r.objects("allow")) {
        rule.allow(Set.of("from", "methods"));
        String from = rule.required(rule.string("from"), "from");
        if (!CALLER.matcher(from).matches()) {
          throw new PolicyException(rule.path("from")
              + ": must be a service name, operator/<name>, operator/* or * (was \"" + from + "\")");
        }
        List<String> methods = rule.strings("methods").orElse(List.of("*"));
        for (String m : methods) {
          if (!METHOD.matcher(m).matches()) {
            throw new PolicyException(rule.path("methods") + ": \"" + m + "\" is not /package.Service/Method, /package.Service/* or *");
          }
        }
        rules.add(new RbacRule(from, methods));
      }
      rbac = Optional.of(new Rbac(rules));
    }
    return new ServicePolicy(lb, breaker, outlier, retry, timeout, split, headerRoutes, fault, mtls, rbac);
  }

  /** A YAML mapping at a path, with typed, path-naming accessors. */
  private static final class Obj {
    private final String path;
    private final JsonNode node;

    Obj(String path, JsonNode node, Set<String> keys) throws PolicyException {
      this.path = path;
      this.node = node;
      if (node == null || !node.isObject()) {
        throw new PolicyException((path.isEmpty() ? "the file" : path) + ": must be a mapping");
      }
      allow(keys);
    }

    String path(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    Obj allow(Set<String> keys) throws PolicyException {
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!keys.contains(name)) {
          throw new PolicyException(path(name) + ": unknown key (known: " + String.join(", ", keys.stream().sorted().toList()) + ")");
        }
      }
      return this;
    }

    boolean has(String key) {
      return node.has(key) && !node.get(key).isNull();
    }

    Optional<JsonNode> node(String key) {
      return has(key) ? Optional.of(node.get(key)) : Optional.empty();
    }

    Optional<Obj> obj(String key) throws PolicyException {
      if (!has(key)) {
        return Optional.empty();
      }
      return Optional.of(new Obj(path(key), node.get(key), fieldNames(node.get(key))));
    }

    List<Obj> objects(String key) throws PolicyException {
      if (!has(key)) {
        return List.of();
      }
      JsonNode list = node.get(key);
      if (!list.isArray()) {
        throw new PolicyException(path(key) + ": must be a list");
      }
      List<Obj> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        out.add(new Obj(path(key) + "[" + i + "]", list.get(i), fieldNames(list.get(i))));
      }
      return out;
    }

    Optional<String> string(String key) throws PolicyException {
      if (!has(key)) {
        return Optional.empty();
      }
      JsonNode v = node.get(key);
      if (!v.isValueNode() || v.asText().isBlank()) {
        throw new PolicyException(path(key) + ": must be a non-empty text value");
      }
      return Optional.of(v.asText());
    }

    Optional<String> matching(String key, Pattern pattern) throws PolicyException {
      Optional<String> v = string(key);
      if (v.isPresent() && !pattern.matcher(v.get()).matches()) {
        throw new PolicyException(path(key) + ": \"" + v.get() + "\" does not match " + pattern.pattern());
      }
      return v;
    }

    Optional<List<String>> strings(String key) throws PolicyException {
      if (!has(key)) {
        return Optional.empty();
      }
      JsonNode v = node.get(key);
      if (!v.isArray() || v.isEmpty()) {
        throw new PolicyException(path(key) + ": must be a non-empty list");
      }
      List<String> out = new ArrayList<>();
      for (JsonNode item : v) {
        if (!item.isValueNode() || item.asText().isBlank()) {
          throw new PolicyException(path(key) + ": items must be non-empty text values");
        }
        out.add(item.asText());
      }
      return Optional.of(out);
    }

    Optional<Integer> integer(String key, int min, int max) throws PolicyException {
      if (!has(key)) {
        return Optional.empty();
      }
      JsonNode v = node.get(key);
      if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
        throw new PolicyException(path(key) + ": must be an integer from " + min + " to " + max + " (was " + v.asText() + ")");
      }
      return Optional.of(v.asInt());
    }

    Optional<Duration> duration(String key) throws PolicyException {
      Optional<String> text = string(key);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      Optional<Duration> d = Durations.parse(text.get());
      if (d.isEmpty() || d.get().isNegative() || d.get().isZero()) {
        throw new PolicyException(path(key) + ": \"" + text.get() + "\" is not a positive duration (use e.g. 500ms, 10s, 1m)");
      }
      return d;
    }

    <E extends Enum<E>> Optional<E> enumValue(String key, Class<E> type) throws PolicyException {
      Optional<String> text = string(key);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(Enum.valueOf(type, text.get()));
      } catch (IllegalArgumentException e) {
        throw new PolicyException(path(key) + ": \"" + text.get() + "\" is not one of "
            + Arrays.stream(type.getEnumConstants()).map(Enum::name).toList());
      }
    }

    <T> T required(Optional<T> value, String key) throws PolicyException {
      return value.orElseThrow(() -> new PolicyException(path(key) + ": is required"));
    }

    private static Set<String> fieldNames(JsonNode node) {
      Set<String> names = new HashSet<>();
      if (node != null) {
        node.fieldNames().forEachRemaining(names::add);
      }
      return names;
    }
  }
}
