package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCenterSecretsTest {

  @Test
  void upMakesOnePrivate256BitKeyAndKeepsItAfterwards(@TempDir Path dir) throws Exception {
    Workspace workspace = new Workspace(dir, dir.resolve("ws"));
    ConfigCenterSecrets.ensure(workspace);
    Path file = ConfigCenterSecrets.keysFile(workspace);
    String first = Files.readString(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(first).startsWith("local-1=");
    assertThat(Base64.getDecoder().decode(first.strip().substring("local-1=".length()))).hasSize(32);

    ConfigCenterSecrets.ensure(workspace);
    assertThat(Files.readString(file)).isEqualTo(first);
  }
}
