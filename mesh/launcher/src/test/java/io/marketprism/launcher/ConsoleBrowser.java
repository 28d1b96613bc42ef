package io.marketprism.launcher;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless {@code chromium} driven through {@code chromium-driver} (both installed by
 * {@code scripts/install-deps}; nothing is downloaded), pointed at the console a {@link RunningSystem} serves.
 * Screenshots go to {@code target/console-screenshots/} as the tests' artefacts.
 */
final class ConsoleBrowser implements AutoCloseable {

  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  private final ChromeDriver driver;
  private final String consoleUrl;

  ConsoleBrowser(String consoleUrl) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    // --no-sandbox: tests run as root here, where Chromium's sandbox refuses to start
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000",
        "--enable-precise-memory-info");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    this.driver = new ChromeDriver(service, options);
    this.consoleUrl = consoleUrl;
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Opens the console signed out and submits {@code token} on its login form. */
  void logIn(String token) {
    driver.get(consoleUrl + "/");
    driver.executeScript("sessionStorage.clear()");
    driver.navigate().refresh();
    WebElement field = awaitElement(By.id("token"));
    field.sendKeys(token);
    driver.findElement(By.id("login")).click();
  }

  void open(String page) {
    driver.get(consoleUrl + "/#/" + page);
  }

  WebElement awaitElement(By by) {
    await().atMost(Duration.ofSeconds(60)).until(() -> !driver.findElements(by).isEmpty());
    return driver.findElement(by);
  }

  List<WebElement> all(By by) {
    return driver.findElements(by);
  }

  /** The attribute of the first match, or null when there is none (or it was just redrawn: ask again). */
  String attribute(By by, String name) {
    try {
      List<WebElement> found = driver.findElements(by);
      return found.isEmpty() ? null : found.get(0).getAttribute(name);
    } catch (StaleElementReferenceException redrawn) {
      return null;
    }
  }

  long number(By by, String attribute) {
    String value = attribute(by, attribute);
    return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** The JS heap in use after a full garbage collection, in bytes (Chrome DevTools Protocol). */
  long heapAfterGc() {
    driver.executeCdpCommand("HeapProfiler.collectGarbage", Map.of());
    Map<String, Object> usage = driver.executeCdpCommand("Runtime.getHeapUsage", Map.of());
    return ((Number) usage.get("usedSize")).longValue();
  }

  long domNodes() {
    return ((Number) driver.executeScript("return document.getElementsByTagName('*').length")).longValue();
  }

  Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(name + ".png");
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  @Override
  public void close() {
    driver.quit();
  }
}
