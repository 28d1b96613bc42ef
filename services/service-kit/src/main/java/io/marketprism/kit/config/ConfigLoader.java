package io.marketprism.kit.config;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Loads a typed configuration: YAML file (optional) → {@code MARKETPRISM_*} environment overrides → bind → validate.
 *
 * <ul>
 *   <li>No file: the config class's defaults, then the environment.
 *   <li>YAML keys are kebab-case; a key the class does not have is an error ({@code unknown key grpc.prot}).
 *   <li>Environment variables beat the file; see {@link EnvironmentOverrides} for the naming rule.
 *   <li>Durations: {@code 500ms}, {@code 10s}, {@code 1m}, {@code 1h}, {@code 2d} or ISO-8601.
 *   <li>Constraints (Jakarta Bean Validation) are checked after binding; every violation is reported, sorted by key.
 * </ul>
 *
 * <p>Every problem is a {@link ConfigException} whose message names the key, the reason and the source, e.g.
 * {@code invalid configuration: grpc.shutdown-grace: cannot parse "ten seconds" as a duration (...) [environment
 * variable MARKETPRISM_GRPC_SHUTDOWN_GRACE]}.
 *
 * <p>Stateless; safe to call from any thread.
 */
public final class ConfigLoader {

  private static final ObjectMapper MAPPER = newMapper();

  private ConfigLoader() {}

  /**
   * Loads {@code type} from {@code file} (may be null: defaults only) and {@code environment}.
   *
   * @throws ConfigException if the file cannot be read or parsed, a key is unknown, a value has the wrong type or a
   *     constraint fails
   */
  public static <C> C load(Class<C> type, java.nio.file.Path file, Map<String, String> environment) {
    ObjectNode tree = file == null ? MAPPER.createObjectNode() : read(file);
    List<ConfigKeys.Key> keys = ConfigKeys.of(MAPPER, type);
    Map<String, String> fromEnvironment = new EnvironmentOverrides(keys).apply(tree, environment);
    Sources sources = new Sources(file == null ? null : "file " + file, fromEnvironment);
    requireMappingsForSections(tree, keys, sources);
    C config = bind(type, tree, sources);
    validate(config, sources);
    return config;
  }

  private static ObjectNode read(java.nio.file.Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("config file " + file + " does not exist or is not a file");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ConfigException("file " + file + where + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return MAPPER.createObjectNode(); // an empty file means "all defaults"
    }
    if (root instanceof ObjectNode object) {
      return object;
    }
    throw new ConfigException("file " + file + ": the top level must be a mapping of sections, not " + root.getNodeType());
  }

  /**
   * Jackson, merging into a section's defaults, silently keeps them when the file has a scalar where the section
   * belongs ({@code grpc: 7102}); so the shape is checked here first.
   */
  private static void requireMappingsForSections(ObjectNode tree, List<ConfigKeys.Key> keys, Sources sources) {
    for (ConfigKeys.Key key : keys) {
      if (key.kind() != ConfigKeys.Kind.SECTION) {
        continue;
      }
      JsonNode node = tree;
      for (String segment : key.path()) {
        node = node == null ? null : node.get(segment);
      }
      if (node != null && !node.isObject() && !node.isNull()) {
        throw new ConfigException(
            key.dotted() + ": expected a mapping of keys here, not a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                + sources.of(key.dotted()));
      }
    }
  }

  private static <C> C bind(Class<C> type, ObjectNode tree, Sources sources) {
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      String key = join(pathOf(e), e.getPropertyName());
      throw new ConfigException("unknown key " + key + sources.of(key), e);
    } catch (InvalidFormatException e) {
      String key = pathOf(e);
      String reason =
          e.getTargetType() == Duration.class
              ? e.getOriginalMessage()
              : "cannot parse \"" + e.getValue() + "\" as " + describe(e.getTargetType());
      throw new ConfigException(key + ": " + reason + sources.of(key), e);
    } catch (MismatchedInputException e) {
      String key = pathOf(e);
      throw new ConfigException(
          key + ": expected " + describe(e.getTargetType()) + " here, not a " + tokenOf(e) + sources.of(key), e);
    } catch (JsonProcessingException e) {
      String key = e instanceof JsonMappingException mapping ? pathOf(mapping) : "";
      String reason = e.getOriginalMessage() != null ? e.getOriginalMessage() : String.valueOf(e.getCause());
      throw new ConfigException(key + ": " + reason + sources.of(key), e);
    }
  }

  private static <C> void validate(C config, Sources sources) {
    List<String> problems = violations(config, sources);
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("; ", problems));
    }
  }

  /** Every constraint {@code object} fails, sorted by key: {@code "grpc.port: must be ... (was 70000) [source]"}. */
  private static List<String> violations(Object object, Sources sources) {
    try (ValidatorFactory factory =
        Validation.byProvider(HibernateValidator.class)
            .configure()
            .messageInterpolator(new ParameterMessageInterpolator())
            .buildValidatorFactory()) {
      Validator validator = factory.getValidator();
      return validator.validate(object).stream()
          .sorted(Comparator.comparing(violation -> keyOf(violation.getPropertyPath())))
          .map(violation -> describe(violation, sources))
          .toList();
    }
  }

  private static String describe(ConstraintViolation<?> violation, Sources sources) {
    String key = keyOf(violation.getPropertyPath());
    return key + ": " + message(violation) + " (was " + show(violation.getInvalidValue()) + ")" + sources.of(key);
  }

  /**
   * The violation's message; for {@code @DurationMin}/{@code @DurationMax} one written here, since their default
   * messages are expression-language templates the parameter-only interpolator leaves as they are.
   */
  private static String message(ConstraintViolation<?> violation) {
    Map<String, Object> bound = violation.getConstraintDescriptor().getAttributes();
    Class<?> type = violation.getConstraintDescriptor().getAnnotation().annotationType();
    boolean min = type == org.hibernate.validator.constraints.time.DurationMin.class;
    if (!violation.getMessage().contains("${") || !(min || type == org.hibernate.validator.constraints.time.DurationMax.class)) {
      return violation.getMessage();
    }
    Duration limit = Duration.ofDays(((Number) bound.get("days")).longValue())
        .plusHours(((Number) bound.get("hours")).longValue())
        .plusMinutes(((Number) bound.get("minutes")).longValue())
        .plusSeconds(((Number) bound.get("seconds")).longValue())
        .plusMillis(((Number) bound.get("millis")).longValue())
        .plusNanos(((Number) bound.get("nanos")).longValue());
    boolean inclusive = Boolean.TRUE.equals(bound.get("inclusive"));
    String relation = min ? (inclusive ? "at least " : "longer than ") : (inclusive ? "at most " : "shorter than ");
    return "must be " + relation + Durations.format(limit);
  }

  /** {@code grpc.shutdown-grace}, {@code peers.data-storage} from a validation path. */
  private static String keyOf(Path path) {
    StringBuilder key = new StringBuilder();
    for (Path.Node node : path) {
      if (node.isInIterable() && node.getKey() != null) {
        key.append(key.isEmpty() ? "" : ".").append(node.getKey());
      } else if (node.isInIterable() && node.getIndex() != null) {
        key.append('[').append(node.getIndex()).append(']');
      }
      String name = node.getName();
      if (name != null && !name.startsWith("<")) { // "<map value>" and friends are container elements
        key.append(key.isEmpty() ? "" : ".").append(KEBAB.translate(name));
      }
    }
    return key.toString();
  }

  private static final PropertyNamingStrategies.NamingBase KEBAB =
      (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.KEBAB_CASE;

  private static String pathOf(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static String join(String parent, String child) {
    if (parent.isEmpty()) {
      return child;
    }
    // for an unknown key Jackson's path already ends with it
    return parent.endsWith("." + child) || parent.equals(child) ? parent : parent + "." + child;
  }

  private static String show(Object value) {
    if (value instanceof Duration duration) {
      return Durations.format(duration);
    }
    if (value instanceof CharSequence text) {
      return "\"" + text + "\"";
    }
    return String.valueOf(value);
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "a value";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "an integer";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "a boolean (true or false)";
    }
    if (type == double.class || type == Double.class) {
      return "a number";
    }
    if (Map.class.isAssignableFrom(type) || !type.getName().startsWith("java.") && !type.isPrimitive()) {
      return "a mapping";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a " + type.getSimpleName();
  }

  private static String tokenOf(MismatchedInputException e) {
    return Optional.ofNullable(e.getProcessor())
        .map(p -> ((com.fasterxml.jackson.core.JsonParser) p).currentToken())
        .map(token -> switch (token) {
              case START_OBJECT -> "mapping";
              case START_ARRAY -> "list";
              case VALUE_STRING -> "string";
              case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
              case VALUE_TRUE, VALUE_FALSE -> "boolean";
              case VALUE_NULL -> "null";
              default -> token.asString();
            })
        .orElse("value of another type");
  }

  private static ObjectMapper newMapper() {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    mapper.setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
    // config classes are plain fields with accessor methods named after them (grpc(), port()), not getters/setters
    mapper.setVisibility(PropertyAccessor.ALL, Visibility.NONE);
    mapper.setVisibility(PropertyAccessor.FIELD, Visibility.ANY);
    mapper.setVisibility(PropertyAccessor.CREATOR, Visibility.ANY);
    // a section in the file updates the section's defaults instead of replacing the whole object
    mapper.setDefaultMergeable(true);
    // ...but a list or map in the file replaces the default one (merging would append to it, or fail on List.of())
    for (Class<?> container : List.of(List.class, java.util.Set.class, java.util.Collection.class, Map.class)) {
      mapper.configOverride(container).setMergeable(false);
    }
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    mapper.registerModule(new SimpleModule("marketprism-config").addDeserializer(Duration.class, new DurationDeserializer()));
    return mapper;
  }

  /**
   * Binds one setting given as YAML (or JSON, or a bare scalar) text — a value of the config center — to {@code type}
   * with the same rules as the file: kebab-case keys, unknown keys refused, durations, then validation.
   *
   * @param key the setting's name, prefixed to every key in a message ({@code traffic.rate-limits.per-role...})
   * @param origin where the text came from, for messages ({@code config center data-storage/ingest.batch-size v7})
   * @throws ConfigException naming the key, the reason and the origin
   */
  public static <T> T parseValue(String key, Class<T> type, String text, String origin) {
    return parse(key, MAPPER.getTypeFactory().constructType(type), text, origin);
  }

  /** As {@link #parseValue}, for a setting that is a list of {@code element}s (each validated). */
  public static <E> List<E> parseList(String key, Class<E> element, String text, String origin) {
    return parse(key, MAPPER.getTypeFactory().constructCollectionType(List.class, element), text, origin);
  }

  private static <T> T parse(String key, com.fasterxml.jackson.databind.JavaType type, String text, String origin) {
    Sources sources = new Sources(origin, Map.of());
    JsonNode tree;
    try {
      tree = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException(key + ": not YAML or JSON: " + e.getOriginalMessage() + sources.of(key), e);
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      throw new ConfigException(key + ": empty value" + sources.of(key));
    }
    T value;
    try {
      value = MAPPER.convertValue(tree, type); // messages get the setting's key prefixed below
    } catch (IllegalArgumentException e) {
      if (e.getCause() instanceof JsonMappingException mapping) {
        throw bindingProblem(key, mapping, sources);
      }
      throw new ConfigException(key + ": " + e.getMessage() + sources.of(key), e);
    }
    List<?> parts = value instanceof List<?> list ? list : java.util.Collections.singletonList(value);
    List<String> problems = new java.util.ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      String prefix = value instanceof List<?> ? key + "[" + i + "]" : key;
      if (parts.get(i) == null) {
        problems.add(prefix + ": empty value" + sources.of(key));
        continue;
      }
      for (String problem : violations(parts.get(i), sources)) {
        problems.add(prefix + (problem.startsWith(":") || problem.startsWith("(") ? "" : ".") + problem);
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("; ", problems));
    }
    return value;
  }

  private static ConfigException bindingProblem(String key, JsonMappingException e, Sources sources) {
    String at = pathOf(e);
    String where = at.isEmpty() ? key : at.startsWith("[") ? key + at : key + "." + at;
    if (e instanceof UnrecognizedPropertyException unknown) {
      return new ConfigException("unknown key " + join(where, unknown.getPropertyName()) + sources.of(key), e);
    }
    if (e instanceof InvalidFormatException format && format.getTargetType() != Duration.class) {
      return new ConfigException(
          where + ": cannot parse \"" + format.getValue() + "\" as " + describe(format.getTargetType()) + sources.of(key), e);
    }
    if (e instanceof MismatchedInputException mismatched && !(e instanceof InvalidFormatException)) {
      return new ConfigException(
          where + ": expected " + describe(mismatched.getTargetType()) + " here, not a " + tokenOf(mismatched)
              + sources.of(key), e);
    }
    return new ConfigException(where + ": " + e.getOriginalMessage() + sources.of(key), e);
  }

  /** Where each key's value came from: an environment variable, the file (or another origin), or the defaults. */
  private record Sources(String origin, Map<String, String> fromEnvironment) {

    /** {@code " [environment variable X]"}, {@code " [file F]"} or {@code ""} for a default. */
    String of(String key) {
      String probe = key;
      while (!probe.isEmpty()) {
        String variable = fromEnvironment.get(probe);
        if (variable != null) {
          return " [environment variable " + variable + "]";
        }
        int dot = probe.lastIndexOf('.');
        probe = dot < 0 ? "" : probe.substring(0, dot);
      }
      return origin == null ? " [defaults]" : " [" + origin + "]";
    }
  }
}
