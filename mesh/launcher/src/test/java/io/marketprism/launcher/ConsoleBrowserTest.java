package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The web console in a real browser against a real system: {@code up --detach} on free ports (every service, the
 * exchange simulator feeding the collector), Debian's headless Chromium, the console the gateway serves at {@code /}.
 * One system for the class; each test opens its own browser.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest {

  private static final Duration LIVE = Duration.ofSeconds(60);

  private RunningSystem system;
  private ConsoleBrowser browser;

  @BeforeAll
  void startSystem(@TempDir Path directory) throws Exception {
    // a dropped exchange connection waits 3 s before reconnecting, so a feed the simulator keeps dropping is seen down
    system =
        RunningSystem.attachOrUp(
            directory, Map.of("market-data-collector", Map.of("MARKETPRISM_CONNECTION_INITIAL_BACKOFF", "3s")));
  }

  @AfterAll
  void stopSystem() {
    if (system != null) {
      system.close();
    }
  }

  @BeforeEach
  void openBrowser() {
    browser = new ConsoleBrowser(system.gatewayUrl());
  }

  @AfterEach
  void closeBrowser() {
    browser.close();
  }

  @Test
  void marketPageShowsLiveTradesThatAdvanceCandlesAndDepth() throws Exception {
    browser.logIn(system.token("reader"));

    browser.awaitElement(By.cssSelector("#tape tr"));
    await().atMost(LIVE).until(() -> browser.number(By.id("tape"), "data-total") > 0);
    String firstTrade = browser.attribute(By.cssSelector("#tape tr"), "data-trade-id");
    long firstTotal = browser.number(By.id("tape"), "data-total");
    await()
        .atMost(LIVE)
        .until(
            () ->
                browser.number(By.id("tape"), "data-total") > firstTotal
                    && !firstTrade.equals(browser.attribute(By.cssSelector("#tape tr"), "data-trade-id")));
    await().atMost(LIVE).until(() -> browser.number(By.id("candles"), "data-bars") > 0);
    assertThat(browser.all(By.cssSelector("#candles canvas"))).isNotEmpty();
    await().atMost(LIVE).until(() -> browser.number(By.id("depth"), "data-levels") > 0);
    assertThat(browser.all(By.cssSelector("#depth tr.bid"))).isNotEmpty();
    assertThat(browser.all(By.cssSelector("#depth tr.ask"))).isNotEmpty();
    assertDepthNeverCrossed();
    await().atMost(LIVE).until(() -> !browser.driver().findElement(By.id("best-bid")).getText().equals("—"));
    assertThat(browser.driver().findElement(By.id("tape")).isDisplayed()).isTrue();
    browser.screenshot("market");

    browser.resize(390, 844); // a phone
    Thread.sleep(500); // one layout pass; the assertion below is on layout, not on time
    long overflow =
        ((Number)
                browser
                    .driver()
                    .executeScript("return document.documentElement.scrollWidth - window.innerWidth"))
            .longValue();
    assertThat(overflow).as("horizontal overflow at phone width, px").isLessThanOrEqualTo(0);
    browser.screenshot("market-phone");
  }

  /**
   * Looks at the depth table twenty times over a few seconds of live deltas: whenever it shows both sides, the best
   * bid is below the best ask (a book that missed a delta shows "re-syncing" instead of stale levels).
   */
  private void assertDepthNeverCrossed() throws InterruptedException {
    int looked = 0;
    for (int look = 0; look < 20; look++) {
      // both prices read in one script, so a redraw cannot fall between them
      Object prices =
          browser
              .driver()
              .executeScript(
                  "const bid = document.querySelector('#depth tr.bid td');"
                      + "const asks = document.querySelectorAll('#depth tr.ask td:first-child');"
                      + "return bid && asks.length ? [bid.textContent, asks[asks.length - 1].textContent] : null;");
      if (prices instanceof List<?> pair) {
        looked++;
        assertThat(new BigDecimal(pair.get(0).toString()))
            .as("best bid below best ask (bid %s, ask %s)", pair.get(0), pair.get(1))
            .isLessThan(new BigDecimal(pair.get(1).toString()));
      }
      Thread.sleep(250); // sampling a live view, not waiting for a state
    }
    assertThat(looked).as("looks at a two-sided depth table").isPositive();
  }

  @Test
  void healthPageShowsEveryFeedTheCollectorReports() throws Exception {
    String token = system.token("reader");
    browser.logIn(token);
    browser.awaitElement(By.cssSelector("#tape"));
    browser.open("health");

    JsonNode feeds = system.get("/v1/collector/feeds", token).get("feeds");
    Set<String> expected = new HashSet<>();
    feeds.forEach(
        feed ->
            expected.add(
                feed.get("exchange").asText()
                    + " "
                    + feed.get("data_type").asText().replace("DATA_TYPE_", "").toLowerCase()));
    assertThat(expected).isNotEmpty();
    await()
        .atMost(LIVE)
        .untilAsserted(
            () -> {
              // read in one script: the rows are redrawn every second
              @SuppressWarnings("unchecked")
              List<String> shown =
                  (List<String>)
                      browser
                          .driver()
                          .executeScript(
                              "return [...document.querySelectorAll('#feeds tr.feed')].map(r => r.dataset.feed)");
              assertThat(shown).containsAll(expected);
            });
    browser.awaitElement(By.cssSelector("#storage-tables tr"));
    browser.screenshot("health");
  }

  @Test
  void aFeedTheSimulatorKeepsDroppingTurnsRedAndGreenAgainWhenItRecovers() throws Exception {
    browser.logIn(system.token("reader"));
    browser.awaitElement(By.cssSelector("#tape"));
    browser.open("health");
    By binanceTrades = By.cssSelector("#feeds tr[data-feed='binance trade']");
    await().atMost(LIVE).until(() -> isGreen(binanceTrades));

    system.simulatorAdmin("/admin/faults", "{\"drop-connections-every\": \"1s\"}");
    try {
      await().atMost(LIVE).until(() -> isRed(binanceTrades));
      browser.screenshot("health-feed-down");
    } finally {
      system.simulatorAdmin("/admin/faults", "{\"drop-connections-every\": \"0s\"}");
    }
    await().atMost(LIVE).until(() -> isGreen(binanceTrades));
  }

  @Test
  void aReaderSeesNoOperatorControlsAndAnOperatorDoes() throws Exception {
    browser.logIn(system.token("reader"));
    browser.awaitElement(By.cssSelector("#tape"));
    assertThat(browser.all(By.cssSelector("[data-min-role]"))).isEmpty();
    browser.open("operations");
    // without the mesh no service registers, so the registry's table is there but empty
    browser.awaitElement(By.cssSelector("#instances"));
    // the scheduler is not run here: its section says so in words instead of failing the page
    assertThat(browser.awaitElement(By.cssSelector("#tasks-body p.error, #tasks-body [data-unavailable], #tasks")).getText())
        .isNotBlank();
    assertThat(browser.all(By.cssSelector("[data-min-role]"))).isEmpty();
    assertThat(browser.driver().findElement(By.id("who")).getText()).endsWith("reader");
    browser.screenshot("operations-reader");

    browser.logIn(system.token("admin"));
    browser.awaitElement(By.id("subscribe"));
    browser.screenshot("market-admin");
  }

  @Test
  void aBadTokenShowsALoginErrorInWords() throws Exception {
    browser.logIn("not-a-token");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !browser.driver().findElement(By.id("login-error")).getText().isEmpty());
    assertThat(browser.driver().findElement(By.id("login-error")).getText()).startsWith("That token was refused");
    assertThat(browser.all(By.id("tape"))).isEmpty();
    browser.screenshot("login-refused");
  }

  @Test
  void theTapeKeepsItsMemoryBoundedOverAMinuteOfLiveTrades() throws Exception {
    browser.logIn(system.token("reader"));
    browser.awaitElement(By.cssSelector("#tape tr"));
    ConsoleMemory memory = ConsoleMemory.measure(browser, Duration.ofSeconds(60));
    System.out.println("console memory over 60 s: " + memory);
    assertThat(memory.tradesShown()).as("trades drawn during the run").isPositive();
    assertThat(memory.domNodesAfter()).as("DOM nodes").isLessThan(memory.domNodesBefore() + 200);
    assertThat(memory.heapAfter()).as("JS heap after GC, bytes").isLessThan(memory.heapBefore() + 8L * 1024 * 1024);
  }

  private boolean isRed(By row) {
    String classes = browser.attribute(row, "class");
    return classes != null && classes.contains("stale");
  }

  private boolean isGreen(By row) {
    String classes = browser.attribute(row, "class");
    return classes != null && !classes.contains("stale");
  }
}
