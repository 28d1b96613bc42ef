package io.marketprism.kit.mesh;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.xds.XdsCredentialsProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bootstrap's {@code channel_creds} type {@code tls} with the gRFC A65 config ({@code ca_certificate_file},
 * {@code certificate_file}, {@code private_key_file}): mTLS to the control plane with the mesh identity. grpc-java
 * 1.85's own {@code tls} provider ignores the config (system trust, no client certificate), so this one, found by
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.grpc.xds.XdsCredentialsProvider}), takes the name with
 * a higher priority. With a config the server must present {@link MeshTls#CONTROL_PLANE_ID}; without one it is
 * grpc-java's plain {@code tls}. The files are watched ({@link MeshTls}); one watch per distinct config.
 */
public final class MeshTlsXdsCredentials extends XdsCredentialsProvider {

  static final String NAME = "tls";
  static final List<String> FILE_KEYS = List.of("ca_certificate_file", "certificate_file", "private_key_file");
  private static final int PRIORITY = 10;
  private static final Map<Map<String, ?>, MeshTls> WATCHED = new ConcurrentHashMap<>();

  @Override
  protected ChannelCredentials newChannelCredentials(Map<String, ?> config) {
    if (config == null || FILE_KEYS.stream().noneMatch(config::containsKey)) {
      return TlsChannelCredentials.create();
    }
    for (String key : FILE_KEYS) {
      if (!(config.get(key) instanceof String value) || value.isBlank()) {
        // the bootstrap parser turns a null into "unsupported credentials" with no reason; say which key
        throw new IllegalArgumentException("xDS channel_creds tls: config." + key + " must name a PEM file");
      }
    }
    return WATCHED.computeIfAbsent(Map.copyOf(config), MeshTlsXdsCredentials::watch).channelCredentials();
  }

  private static MeshTls watch(Map<String, ?> config) {
    try {
      return MeshTls.watching(Path.of((String) config.get("certificate_file")),
          Path.of((String) config.get("private_key_file")), Path.of((String) config.get("ca_certificate_file")),
          Optional.of(MeshTls.CONTROL_PLANE_ID));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("xDS channel_creds tls: " + e.getMessage(), e);
    }
  }

  @Override
  protected String getName() {
    return NAME;
  }

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }
}
