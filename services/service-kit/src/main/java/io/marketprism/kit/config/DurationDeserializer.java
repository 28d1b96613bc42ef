package io.marketprism.kit.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.io.IOException;
import java.time.Duration;

/** Reads a {@link Duration} written as {@link Durations#parse} accepts; a bare number is refused (which unit?). */
final class DurationDeserializer extends StdScalarDeserializer<Duration> {

  DurationDeserializer() {
    super(Duration.class);
  }

  @Override
  public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    String text = parser.currentToken() == JsonToken.VALUE_STRING ? parser.getText() : parser.getValueAsString();
    if (text == null) {
      text = parser.getText();
    }
    String value = text;
    return Durations.parse(value)
        .orElseThrow(
            () ->
                InvalidFormatException.from(
                    parser,
                    "cannot parse \"" + value + "\" as a duration (use e.g. 500ms, 10s, 1m, 1h or ISO-8601 PT10S)",
                    value,
                    Duration.class));
  }
}
