package io.marketprism.config.sync;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.marketprism.config.ConfigCenterConfig;
import io.marketprism.config.domain.ConfigEntries;
import io.marketprism.config.nats.SyncCheckpoints;
import io.marketprism.config.v1.SyncStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The namespaces this config center mirrors from other sites ({@code sync.sources}): one channel per source, one
 * {@link NamespaceMirror} per namespace. Thread-safe.
 */
public final class SiteSync implements AutoCloseable {

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<NamespaceMirror> mirrors = new ArrayList<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "config-sync");
            thread.setDaemon(true);
            return thread;
          });

  /** Starts mirroring every configured namespace. */
  public SiteSync(ConfigCenterConfig.Sync sync, ConfigEntries entries, SyncCheckpoints checkpoints, Clock clock) {
    NamespaceMirror.Local local = new NamespaceMirror.Local(entries, checkpoints, clock);
    NamespaceMirror.Retry retry = new NamespaceMirror.Retry(scheduler, sync.reconnectMin(), sync.reconnectMax());
    for (ConfigCenterConfig.Source source : sync.sources()) {
      ManagedChannel channel = ManagedChannelBuilder.forTarget(source.address()).usePlaintext().build();
      channels.add(channel);
      for (String namespace : source.namespaces()) {
        NamespaceMirror.Target target =
            new NamespaceMirror.Target(source.name(), source.address(), source.environment(), namespace);
        mirrors.add(new NamespaceMirror(target, channel, local, retry));
      }
    }
    mirrors.forEach(mirror -> scheduler.execute(mirror::connect));
  }

  public List<SyncStatus> status() {
    return mirrors.stream().map(NamespaceMirror::status).toList();
  }

  @Override
  public void close() throws InterruptedException {
    mirrors.forEach(NamespaceMirror::close);
    scheduler.shutdownNow();
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
