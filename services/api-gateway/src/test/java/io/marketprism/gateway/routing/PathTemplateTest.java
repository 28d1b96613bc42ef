package io.marketprism.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PathTemplateTest {

  @Test
  void variablesBecomeOpenApiParametersNamedByTheirFieldPath() {
    PathTemplate template = PathTemplate.parse("/v1/trades/{exchange}/{symbol}");
    assertThat(template.path()).isEqualTo("/v1/trades/{exchange}/{symbol}");
    assertThat(template.variables()).containsExactly("exchange", "symbol");
  }

  @Test
  void nestedVariablesKeepTheirDottedName() {
    PathTemplate template = PathTemplate.parse("/v1/broker/streams/{config.name}");
    assertThat(template.path()).isEqualTo("/v1/broker/streams/{config.name}");
    assertThat(template.variables()).containsExactly("config.name");
  }

  @Test
  void customVerbsStayInThePath() {
    assertThat(PathTemplate.parse("/v1/storage:archive").path()).isEqualTo("/v1/storage:archive");
    PathTemplate pause = PathTemplate.parse("/v1/scheduler/tasks/{task_id}:pause");
    assertThat(pause.path()).isEqualTo("/v1/scheduler/tasks/{task_id}:pause");
    assertThat(pause.variables()).containsExactly("task_id");
  }

  @Test
  void aVariablesOwnPatternIsDropped() {
    PathTemplate template = PathTemplate.parse("/v1/{name=streams/*}/consumers/{consumer=**}");
    assertThat(template.path()).isEqualTo("/v1/{name}/consumers/{consumer}");
    assertThat(template.variables()).containsExactly("name", "consumer");
  }

  @Test
  void malformedTemplatesAreRefused() {
    assertThatThrownBy(() -> PathTemplate.parse("v1/x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathTemplate.parse("/v1/{x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathTemplate.parse("/v1/x}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathTemplate.parse("/v1/{=x}")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void regexRouteCapturesEachVariableAndKeepsTheVerbLiteral() {
    PathTemplate follow = PathTemplate.parse("/v1/events/{exchange}/{symbol}:follow");
    java.util.regex.Matcher match = java.util.regex.Pattern.compile(follow.regex()).matcher("/v1/events/binance/BTC-USDT:follow");

    assertThat(match.matches()).isTrue();
    assertThat(match.group(PathTemplate.group(0))).isEqualTo("binance");
    assertThat(match.group(PathTemplate.group(1))).isEqualTo("BTC-USDT");
    assertThat("/v1/events/binance/BTC-USDT:replay").doesNotMatch(follow.regex());
    assertThat("/v1/events/binance/a/b:follow").doesNotMatch(follow.regex());
  }

  @Test
  void patternedVariablesAreNotRoutedByRegex() {
    assertThatThrownBy(() -> PathTemplate.parse("/v1/{name=streams/*}").regex())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
