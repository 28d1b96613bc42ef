package io.marketprism.scheduler.invoke;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every RPC of the contracts, from the descriptor set {@code marketprism-proto} ships ({@value #RESOURCE}): what a
 * task may call, with the types to read its request into. Immutable; built once per process.
 */
public final class MethodCatalog {

  /** Where {@code proto/pom.xml} writes the descriptor set (with its google/* dependencies). */
  public static final String RESOURCE = "marketprism/marketprism.binpb";

  private final Map<String, MethodDescriptor> methods;
  private final JsonFormat.TypeRegistry types;

  private MethodCatalog(Map<String, MethodDescriptor> methods, JsonFormat.TypeRegistry types) {
    this.methods = methods;
    this.types = types;
  }

  /** The descriptor set on the class path. */
  public static MethodCatalog load() {
    try (InputStream in = MethodCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path (it comes with marketprism-proto)");
      }
      return of(FileDescriptorSet.parseFrom(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  static MethodCatalog of(FileDescriptorSet set) {
    Map<String, FileDescriptorProto> protos = new HashMap<>();
    set.getFileList().forEach(file -> protos.put(file.getName(), file));
    Map<String, FileDescriptor> built = new HashMap<>();
    Map<String, MethodDescriptor> methods = new HashMap<>();
    JsonFormat.TypeRegistry.Builder types = JsonFormat.TypeRegistry.newBuilder();
    for (FileDescriptorProto file : set.getFileList()) {
      FileDescriptor descriptor = build(file.getName(), protos, built);
      types.add(descriptor.getMessageTypes());
      for (ServiceDescriptor service : descriptor.getServices()) {
        for (MethodDescriptor method : service.getMethods()) {
          methods.put(service.getFullName() + "/" + method.getName(), method);
        }
      }
    }
    return new MethodCatalog(Map.copyOf(methods), types.build());
  }

  private static FileDescriptor build(
      String name, Map<String, FileDescriptorProto> protos, Map<String, FileDescriptor> built) {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = protos.get(name);
    if (proto == null) {
      throw new IllegalStateException(RESOURCE + " lacks " + name);
    }
    FileDescriptor[] dependencies =
        proto.getDependencyList().stream().map(d -> build(d, protos, built)).toArray(FileDescriptor[]::new);
    try {
      FileDescriptor descriptor = FileDescriptor.buildFrom(proto, dependencies);
      built.put(name, descriptor);
      return descriptor;
    } catch (DescriptorValidationException e) {
      throw new IllegalStateException(RESOURCE + ": " + name + " does not build", e);
    }
  }

  /** A method by its full name, {@code package.Service/Method}. */
  public Optional<MethodDescriptor> method(String fullName) {
    return Optional.ofNullable(methods.get(fullName));
  }

  /** Resolves {@code @type} of {@code Any} values in JSON requests. */
  public JsonFormat.TypeRegistry types() {
    return types;
  }
}
