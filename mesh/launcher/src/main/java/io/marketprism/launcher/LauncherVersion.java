package io.marketprism.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The project version this launcher was built with; service jars carry the same one. */
final class LauncherVersion {

  private LauncherVersion() {}

  static String get() {
    try (InputStream in = LauncherVersion.class.getResourceAsStream("launcher.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "launcher.properties is missing from the launcher's class path");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
