package io.marketprism.controlplane.snapshot;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.ExtensionRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The contracts' descriptor set, as {@code proto/} builds it ({@value #RESOURCE} in the {@code marketprism-proto}
 * jar): the bytes the edge gateway's gRPC-JSON transcoder is given, and each gRPC service's {@code google.api.http}
 * paths, from which the gateway's routes are made. Immutable.
 */
public final class ApiDescriptors {

  /** Where {@code proto/pom.xml} writes the descriptor set (with dependencies and source info). */
  public static final String RESOURCE = "marketprism/marketprism.binpb";

  private final ByteString transcoderBytes;
  private final Map<String, List<String>> httpPaths;

  private ApiDescriptors(ByteString transcoderBytes, Map<String, List<String>> httpPaths) {
    this.transcoderBytes = transcoderBytes;
    this.httpPaths = httpPaths;
  }

  /** The descriptor set on the class path. */
  public static ApiDescriptors load() {
    try (InputStream in = ApiDescriptors.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path (it comes with marketprism-proto)");
      }
      return of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  static ApiDescriptors of(byte[] descriptorSet) throws IOException {
    ExtensionRegistry extensions = ExtensionRegistry.newInstance();
    AnnotationsProto.registerAllExtensions(extensions);
    FileDescriptorSet set = FileDescriptorSet.parseFrom(descriptorSet, extensions);
    // source info (comments) is for reflection and docs; the transcoder does not need it, and it is most of the bytes
    FileDescriptorSet.Builder lean = set.toBuilder();
    lean.getFileBuilderList().forEach(FileDescriptorProto.Builder::clearSourceCodeInfo);
    Map<String, List<String>> paths = new TreeMap<>();
    for (FileDescriptorProto file : set.getFileList()) {
      for (ServiceDescriptorProto service : file.getServiceList()) {
        List<String> servicePaths = new ArrayList<>();
        for (MethodDescriptorProto method : service.getMethodList()) {
          if (method.getOptions().hasExtension(AnnotationsProto.http)) {
            addPaths(method.getOptions().getExtension(AnnotationsProto.http), servicePaths);
          }
        }
        String name = file.getPackage().isEmpty() ? service.getName() : file.getPackage() + "." + service.getName();
        paths.put(name, List.copyOf(servicePaths));
      }
    }
    return new ApiDescriptors(lean.build().toByteString(), Map.copyOf(paths));
  }

  private static void addPaths(HttpRule rule, List<String> out) {
    String path = switch (rule.getPatternCase()) {
      case GET -> rule.getGet();
      case PUT -> rule.getPut();
      case POST -> rule.getPost();
      case DELETE -> rule.getDelete();
      case PATCH -> rule.getPatch();
      case CUSTOM -> rule.getCustom().getPath();
      case PATTERN_NOT_SET -> "";
    };
    if (!path.isEmpty()) {
      out.add(path);
    }
    rule.getAdditionalBindingsList().forEach(b -> addPaths(b, out));
  }

  /** The descriptor set without source info: what {@code proto_descriptor_bin} carries. */
  public ByteString transcoderBytes() {
    return transcoderBytes;
  }

  /** Every gRPC service (full name) in the set. */
  public Set<String> services() {
    return httpPaths.keySet();
  }

  /** The {@code google.api.http} path templates of {@code service}'s methods; empty if it has none. */
  public List<String> httpPaths(String service) {
    return httpPaths.getOrDefault(service, List.of());
  }

  /**
   * The path prefix a route uses for a template: its first two literal segments ({@code /v1/trades/{exchange}/...}
   * → {@code /v1/trades/}), or the literal part when shorter. Two services' templates with one prefix would make the
   * routes ambiguous; {@link EnvoyGatewayResources} refuses that.
   */
  static String routePrefix(String template) {
    int end = template.length();
    for (char c : new char[] {'{', ':', '*'}) {
      int at = template.indexOf(c);
      if (at >= 0) {
        end = Math.min(end, at);
      }
    }
    String literal = template.substring(0, end);
    int slashes = 0;
    for (int i = 0; i < literal.length(); i++) {
      if (literal.charAt(i) == '/' && ++slashes == 3) {
        return literal.substring(0, i + 1);
      }
    }
    return literal;
  }
}
