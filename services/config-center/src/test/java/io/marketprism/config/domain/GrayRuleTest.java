package io.marketprism.config.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GrayRuleTest {

  private static Instance instance(String id) {
    return new Instance("market-data-collector", "0.2.0", "eu-1", id);
  }

  @Test
  void everyListedLabelMustMatch() {
    GrayRule rule = new GrayRule(List.of("market-data-collector"), List.of(), List.of("eu-1"), List.of(), 0);
    assertThat(rule.matches(instance("a"), "k")).isTrue();
    assertThat(rule.matches(new Instance("market-data-collector", "", "us-1", "a"), "k")).isFalse();
    assertThat(rule.matches(new Instance("data-storage", "", "eu-1", "a"), "k")).isFalse();
  }

  @Test
  void instancesInAtASmallerPercentageStayInAtALargerOne() {
    List<Instance> instances = IntStream.range(0, 1000).mapToObj(i -> instance("i-" + i)).toList();
    GrayRule ten = new GrayRule(List.of(), List.of(), List.of(), List.of(), 10);
    GrayRule twenty = new GrayRule(List.of(), List.of(), List.of(), List.of(), 20);
    List<Instance> inAtTen = instances.stream().filter(i -> ten.matches(i, "symbols")).toList();

    assertThat(inAtTen).allMatch(i -> twenty.matches(i, "symbols"));
    assertThat(inAtTen.size()).isBetween(50, 150);
    assertThat(new GrayRule(List.of(), List.of(), List.of(), List.of(), 100).matches(instance("x"), "k")).isTrue();
    assertThat(ten.matches(instance(""), "k")).isFalse();
  }
}
