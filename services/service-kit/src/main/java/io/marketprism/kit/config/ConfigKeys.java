package io.marketprism.kit.config;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The keys a config class accepts, found from its Jackson bean properties (so a key that only ever has its default
 * value is known too), with the environment variable that overrides each.
 */
final class ConfigKeys {

  /** How deep sections may nest; a guard against self-referencing config classes. */
  private static final int MAX_DEPTH = 8;

  /** What kind of value a key holds, which decides how an environment variable's text is applied. */
  enum Kind {
    /** A scalar: string, number, boolean, duration, enum. */
    VALUE,
    /** A list: the variable holds comma-separated items. */
    LIST,
    /** A map with free keys: {@code <VAR>_<KEY>} sets entry {@code key} (lower case, {@code _} → {@code -}). */
    MAP,
    /** A nested section (one of our config classes); its keys are listed separately. */
    SECTION
  }

  /** One key: its path of YAML names ({@code [grpc, shutdown-grace]}) and kind. */
  record Key(List<String> path, Kind kind) {

    String dotted() {
      return String.join(".", path);
    }

    /** {@code MARKETPRISM_GRPC_SHUTDOWN_GRACE} for {@code grpc.shutdown-grace}. */
    String environmentVariable() {
      StringBuilder name = new StringBuilder("MARKETPRISM");
      for (String segment : path) {
        name.append('_').append(segment.toUpperCase(Locale.ROOT).replace('-', '_'));
      }
      return name.toString();
    }
  }

  private ConfigKeys() {}

  static List<Key> of(ObjectMapper mapper, Class<?> configType) {
    List<Key> keys = new ArrayList<>();
    collect(mapper, mapper.constructType(configType), List.of(), keys);
    return keys;
  }

  private static void collect(ObjectMapper mapper, JavaType type, List<String> prefix, List<Key> keys) {
    if (prefix.size() > MAX_DEPTH) {
      throw new IllegalStateException("config sections nest deeper than " + MAX_DEPTH + " at " + prefix);
    }
    BeanDescription bean = mapper.getDeserializationConfig().introspect(type);
    for (BeanPropertyDefinition property : bean.findProperties()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(property.getName());
      JavaType propertyType = property.getPrimaryType();
      if (propertyType.isMapLikeType()) {
        keys.add(new Key(List.copyOf(path), Kind.MAP));
      } else if (propertyType.isCollectionLikeType() || propertyType.isArrayType()) {
        keys.add(new Key(List.copyOf(path), Kind.LIST));
      } else if (isSection(propertyType)) {
        keys.add(new Key(List.copyOf(path), Kind.SECTION));
        collect(mapper, propertyType, path, keys);
      } else {
        keys.add(new Key(List.copyOf(path), Kind.VALUE));
      }
    }
  }

  /** A section is one of our own classes; JDK types (String, Duration, Integer, Path...) are values. */
  private static boolean isSection(JavaType type) {
    Class<?> raw = type.getRawClass();
    return !raw.isPrimitive() && !raw.isEnum() && !raw.getName().startsWith("java.");
  }
}
