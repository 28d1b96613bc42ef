package io.marketprism.controlplane.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The typed Envoy v3 API as Envoy itself reads configuration: every message of the Envoy API jar in one
 * {@link JsonFormat.TypeRegistry}, so that an {@code Any} ({@code typed_config}) resolves only if Envoy knows its type,
 * and strict JSON parsing (an unknown field fails, as in Envoy).
 */
public final class EnvoyProtos {

  private static JsonFormat.TypeRegistry registry;

  private EnvoyProtos() {}

  /** Every message type of every {@code *Proto} file class in the jar that holds the Envoy v3 API. */
  public static synchronized JsonFormat.TypeRegistry typeRegistry() {
    if (registry != null) {
      return registry;
    }
    JsonFormat.TypeRegistry.Builder types = JsonFormat.TypeRegistry.newBuilder();
    try (JarFile jar = new JarFile(new File(Bootstrap.class.getProtectionDomain().getCodeSource().getLocation().toURI()))) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        if (!name.endsWith("Proto.class") || name.contains("$")) {
          continue;
        }
        Class<?> outer = Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
        Object descriptor = outer.getMethod("getDescriptor").invoke(null);
        // a few messages are themselves named *Proto; their file is added through its outer class anyway
        if (descriptor instanceof FileDescriptor file) {
          types.add(file.getMessageTypes());
        }
      }
    } catch (IOException | URISyntaxException | ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read the Envoy API jar", e);
    }
    registry = types.build();
    return registry;
  }

  /**
   * {@code message} printed as Envoy's JSON and parsed back: fails if any {@code typed_config} (at any depth) is of a
   * type Envoy does not have.
   */
  @SuppressWarnings("unchecked")
  public static <T extends Message> T roundTrip(T message) throws InvalidProtocolBufferException {
    String json = JsonFormat.printer().usingTypeRegistry(typeRegistry()).print(message);
    Message.Builder parsed = message.newBuilderForType();
    JsonFormat.parser().usingTypeRegistry(typeRegistry()).merge(json, parsed);
    return (T) parsed.build();
  }

  /** A YAML document (an Envoy bootstrap) into its typed proto; unknown fields and types fail. */
  public static <B extends Message.Builder> B parseYaml(String yaml, B into) throws IOException {
    JsonNode tree = new YAMLMapper().readTree(yaml);
    JsonFormat.parser().usingTypeRegistry(typeRegistry()).merge(new ObjectMapper().writeValueAsString(tree), into);
    return into;
  }
}
