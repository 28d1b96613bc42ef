package io.marketprism.proto;

import com.google.api.AnnotationsProto;
import com.google.api.FieldBehaviorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.ExtensionRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The descriptor set this module ships ({@code /marketprism/marketprism.binpb}), read the way the gateway and
 * server reflection read it: from the classpath, with the {@code google.api} options resolved.
 */
final class ContractDescriptors {

  static final String RESOURCE = "/marketprism/marketprism.binpb";

  private final Map<String, FileDescriptorProto> protosByName = new HashMap<>();
  private final Map<String, FileDescriptor> built = new HashMap<>();

  private ContractDescriptors(FileDescriptorSet set) {
    set.getFileList().forEach(file -> protosByName.put(file.getName(), file));
  }

  /** Loads and links every file of the shipped descriptor set. */
  static ContractDescriptors load() {
    ExtensionRegistry registry = ExtensionRegistry.newInstance();
    AnnotationsProto.registerAllExtensions(registry);
    FieldBehaviorProto.registerAllExtensions(registry);
    try (InputStream in = ContractDescriptors.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return new ContractDescriptors(FileDescriptorSet.parseFrom(in, registry));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The raw protos of our own files ({@code marketprism/...}), which keep their source info. */
  List<FileDescriptorProto> ownProtos() {
    return protosByName.values().stream()
        .filter(file -> file.getName().startsWith("marketprism/"))
        .sorted((a, b) -> a.getName().compareTo(b.getName()))
        .toList();
  }

  /** Linked descriptors of our own files. */
  List<FileDescriptor> ownFiles() {
    return ownProtos().stream().map(file -> file(file.getName())).toList();
  }

  /** The linked descriptor of one file, building its imports first. */
  FileDescriptor file(String name) {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = protosByName.get(name);
    if (proto == null) {
      throw new IllegalStateException(name + " is not in " + RESOURCE);
    }
    FileDescriptor[] deps = proto.getDependencyList().stream().map(this::file).toArray(FileDescriptor[]::new);
    try {
      FileDescriptor file = FileDescriptor.buildFrom(proto, deps);
      built.put(name, file);
      return file;
    } catch (DescriptorValidationException e) {
      throw new IllegalStateException("cannot link " + name, e);
    }
  }
}
