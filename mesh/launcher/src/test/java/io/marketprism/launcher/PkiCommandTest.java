package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiCommandTest {

  @TempDir Path directory;

  @Test
  void issuesAnOperatorCertificateFromTheWorkspaceCa() {
    Path out = directory.resolve("alice");

    CommandRun run =
        CommandRun.run(
            directory.resolve("ws"),
            directory.resolve("none.yaml"),
            "pki",
            "issue",
            "--name",
            "alice",
            "--out",
            out.toString(),
            "--ttl",
            "8h");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("issued spiffe://marketprism/operator/alice valid until");
    assertThat(out.resolve("cert.pem")).isRegularFile();
    assertThat(out.resolve("key.pem")).isRegularFile();
    assertThat(out.resolve("ca.pem"))
        .hasSameTextualContentAs(directory.resolve("ws/pki/ca/ca.pem"));
  }

  @Test
  void aBadNameFailsWithOneMessage() {
    CommandRun run =
        CommandRun.run(
            directory.resolve("ws"),
            directory.resolve("none.yaml"),
            "pki",
            "issue",
            "--name",
            "Alice!",
            "--out",
            directory.resolve("x").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("marketprism: --name must be 1 to 63 characters");
  }
}
