package io.marketprism.controlplane.xds;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps java-control-plane's {@code SimpleCache} from resending a version a node has just NACKed. A NACK carries the
 * node's last accepted version; the cache sees that it differs from the snapshot's and answers at once with the very
 * version that was rejected — thousands of times a second. This watcher asks the cache on the NACK's behalf as if the
 * node held the rejected version: the cache then waits, and the node gets the next version that differs (or, if a
 * newer one was set meanwhile, that one at once). The node keeps running on its last accepted configuration. Stateless
 * apart from the tracker it asks; thread-safe.
 */
public final class NackAwareConfigWatcher implements ConfigWatcher {

  private final ConfigWatcher cache;
  private final NodeTracker tracker;

  public NackAwareConfigWatcher(ConfigWatcher cache, NodeTracker tracker) {
    this.cache = cache;
    this.tracker = tracker;
  }

  @Override
  public Watch createWatch(
      boolean ads, XdsRequest request, Set<String> knownResourceNames, Consumer<Response> responseConsumer,
      boolean hasClusterChanged, boolean allowDefaultEmptyEdsUpdate) {
    XdsRequest asked = request;
    if (request.hasErrorDetail()) {
      Optional<String> rejected = tracker.takeRejectedVersion(request.v3Request());
      if (rejected.isPresent()) {
        asked = XdsRequest.create(request.v3Request().toBuilder().setVersionInfo(rejected.get()).build());
      }
    }
    return cache.createWatch(ads, asked, knownResourceNames, responseConsumer, hasClusterChanged,
        allowDefaultEmptyEdsUpdate);
  }

  @Override
  public DeltaWatch createDeltaWatch(
      DeltaXdsRequest request, String requesterVersion, Map<String, String> resourceVersions,
      Set<String> pendingResources, boolean isWildcard, Consumer<DeltaResponse> responseConsumer,
      boolean hasClusterChanged) {
    return cache.createDeltaWatch(request, requesterVersion, resourceVersions, pendingResources, isWildcard,
        responseConsumer, hasClusterChanged);
  }
}
