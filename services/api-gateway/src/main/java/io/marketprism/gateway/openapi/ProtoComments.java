package io.marketprism.gateway.openapi;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The comments of the proto sources, by full name. Generated Java descriptors carry no source info, so the comments
 * come from the descriptor set the proto module ships with it ({@value #SHIPPED}); without that file every lookup
 * answers the empty string and the document simply has no descriptions.
 *
 * <p>Keys are full names; an enum value's key is its enum's full name, a dot and the value's name (proto scopes enum
 * values next to the enum, which would let two enums' values collide).
 */
final class ProtoComments {

  static final String SHIPPED = "marketprism/marketprism.binpb";

  private static final Logger log = LoggerFactory.getLogger(ProtoComments.class);

  // Field numbers of the descriptor.proto fields that SourceCodeInfo paths walk through.
  private static final int FILE_MESSAGE = 4;
  private static final int FILE_ENUM = 5;
  private static final int FILE_SERVICE = 6;
  private static final int MESSAGE_FIELD = 2;
  private static final int MESSAGE_NESTED = 3;
  private static final int MESSAGE_ENUM = 4;
  private static final int MESSAGE_ONEOF = 8;
  private static final int ENUM_VALUE = 2;
  private static final int SERVICE_METHOD = 2;

  private final Map<String, String> byName;

  private ProtoComments(Map<String, String> byName) {
    this.byName = Map.copyOf(byName);
  }

  /** The comments of the shipped descriptor set, read once per JVM. */
  static ProtoComments shipped() {
    return Shipped.INSTANCE;
  }

  static ProtoComments none() {
    return new ProtoComments(Map.of());
  }

  static ProtoComments of(FileDescriptorSet set) {
    Map<String, String> byName = new HashMap<>();
    for (FileDescriptorProto file : set.getFileList()) {
      new FileWalk(file, byName).walk();
    }
    return new ProtoComments(byName);
  }

  /** The comment of a message, field, enum, enum value, service or method; empty when it has none. */
  String of(GenericDescriptor descriptor) {
    String key =
        descriptor instanceof EnumValueDescriptor value
            ? value.getType().getFullName() + "." + value.getName()
            : descriptor.getFullName();
    return byName.getOrDefault(key, "");
  }

  /** Loaded on first use, so a gateway that never serves the document never reads the file. */
  private static final class Shipped {
    static final ProtoComments INSTANCE = load();

    private static ProtoComments load() {
      try (InputStream in = ProtoComments.class.getClassLoader().getResourceAsStream(SHIPPED)) {
        if (in == null) {
          log.warn("{} is not on the classpath: the OpenAPI document has no descriptions", SHIPPED);
          return none();
        }
        return of(FileDescriptorSet.parseFrom(in));
      } catch (IOException | RuntimeException e) {
        log.warn("cannot read {}: the OpenAPI document has no descriptions", SHIPPED, e);
        return none();
      }
    }
  }

  /** One file's declarations, named as the descriptors name them, paired with their SourceCodeInfo locations. */
  private static final class FileWalk {
    private final FileDescriptorProto file;
    private final Map<String, String> out;
    private final Map<List<Integer>, String> commentByPath;

    FileWalk(FileDescriptorProto file, Map<String, String> out) {
      this.file = file;
      this.out = out;
      this.commentByPath = new HashMap<>();
      for (SourceCodeInfo.Location location : file.getSourceCodeInfo().getLocationList()) {
        String text = location.hasLeadingComments() ? location.getLeadingComments() : location.getTrailingComments();
        String comment = clean(text);
        if (!comment.isEmpty()) {
          commentByPath.putIfAbsent(location.getPathList(), comment);
        }
      }
    }

    void walk() {
      if (commentByPath.isEmpty()) {
        return;
      }
      String scope = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
      for (int i = 0; i < file.getMessageTypeCount(); i++) {
        message(file.getMessageType(i), scope, List.of(FILE_MESSAGE, i));
      }
      for (int i = 0; i < file.getEnumTypeCount(); i++) {
        enumType(file.getEnumType(i), scope, List.of(FILE_ENUM, i));
      }
      for (int i = 0; i < file.getServiceCount(); i++) {
        service(file.getService(i), scope, List.of(FILE_SERVICE, i));
      }
    }

    private void message(DescriptorProto message, String scope, List<Integer> path) {
      String name = scope + message.getName();
      put(name, path);
      for (int i = 0; i < message.getFieldCount(); i++) {
        put(name + "." + message.getField(i).getName(), append(path, MESSAGE_FIELD, i));
      }
      for (int i = 0; i < message.getOneofDeclCount(); i++) {
        put(name + "." + message.getOneofDecl(i).getName(), append(path, MESSAGE_ONEOF, i));
      }
      for (int i = 0; i < message.getNestedTypeCount(); i++) {
        message(message.getNestedType(i), name + ".", append(path, MESSAGE_NESTED, i));
      }
      for (int i = 0; i < message.getEnumTypeCount(); i++) {
        enumType(message.getEnumType(i), name + ".", append(path, MESSAGE_ENUM, i));
      }
    }

    private void enumType(EnumDescriptorProto enumType, String scope, List<Integer> path) {
      String name = scope + enumType.getName();
      put(name, path);
      for (int i = 0; i < enumType.getValueCount(); i++) {
        put(name + "." + enumType.getValue(i).getName(), append(path, ENUM_VALUE, i));
      }
    }

    private void service(ServiceDescriptorProto service, String scope, List<Integer> path) {
      String name = scope + service.getName();
      put(name, path);
      for (int i = 0; i < service.getMethodCount(); i++) {
        put(name + "." + service.getMethod(i).getName(), append(path, SERVICE_METHOD, i));
      }
    }

    private void put(String fullName, List<Integer> path) {
      String comment = commentByPath.get(path);
      if (comment != null) {
        out.put(fullName, comment);
      }
    }

    private static List<Integer> append(List<Integer> path, int field, int index) {
      return IntStream.concat(path.stream().mapToInt(Integer::intValue), IntStream.of(field, index)).boxed().toList();
    }
  }

  /** protoc keeps the space after {@code //} on every line; drop it and the blank edges, keep the paragraphs. */
  static String clean(String comment) {
    return comment.lines()
        .map(line -> line.startsWith(" ") ? line.substring(1) : line)
        .map(String::stripTrailing)
        .collect(Collectors.joining("\n"))
        .strip();
  }
}
