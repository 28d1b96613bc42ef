package io.marketprism.config.domain;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.Optional;

/** Checks that a value parses as its declared type. Thread-safe. */
public final class ValueFormats {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final YAMLMapper YAML = new YAMLMapper();

  private ValueFormats() {}

  /** Why {@code text} is not a valid {@code type} value, or empty if it is. */
  public static Optional<String> problem(String text, ValueType type) {
    try {
      switch (type) {
        case STRING -> {
          return Optional.empty();
        }
        case JSON -> JSON.readTree(text);
        case YAML -> {
          // every document of a multi-document value, not only the first
          try (JsonParser parser = YAML.createParser(text);
              MappingIterator<JsonNode> documents = YAML.readValues(parser, JsonNode.class)) {
            while (documents.hasNextValue()) {
              documents.nextValue();
            }
          }
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of("not valid " + type + ": " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "cannot be parsed";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
