package io.marketprism.launcher;

import io.marketprism.supervisor.JavaServiceProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code marketprism pki issue --name NAME --out DIR [--ttl 24h]}: a client certificate from the
 * local mesh CA ({@code <workspace>/pki/ca}, created on first use) with the identity {@code
 * spiffe://marketprism/operator/NAME}, for calling services directly ({@code buf curl --cert --key
 * --cacert}). The CA code is the control plane's ({@code io.marketprism.controlplane.pki.PkiMain}),
 * run from its built module as the services are.
 */
@Command(
    name = "pki",
    mixinStandardHelpOptions = true,
    description = "The mesh certificate authority.",
    subcommands = PkiCommand.Issue.class)
final class PkiCommand {

  @ParentCommand MarketPrismCommand parent;

  @Command(
      name = "issue",
      mixinStandardHelpOptions = true,
      description =
          "Issues an operator client certificate (cert.pem, key.pem, ca.pem) from the mesh CA.")
  static final class Issue implements Callable<Integer> {

    private static final String MAIN = "io.marketprism.controlplane.pki.PkiMain";

    @ParentCommand PkiCommand pki;

    @Spec CommandSpec spec;

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "Who the certificate is for: [a-z0-9-].")
    String name;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Where cert.pem, key.pem and ca.pem go.")
    Path out;

    @Option(
        names = "--ttl",
        defaultValue = "24h",
        paramLabel = "DURATION",
        description = "Validity, up to 30d (default 24h).")
    String ttl;

    @Override
    public Integer call() throws IOException, InterruptedException {
      Workspace workspace = pki.parent.workspace();
      String classpath =
          JavaServiceProcess.Classpath.ofModule(
                  workspace.repository().resolve("control-plane"),
                  "marketprism-control-plane",
                  LauncherVersion.get())
              .resolve();
      Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
      Process process =
          new ProcessBuilder(
                  List.of(
                      java.toString(),
                      "-cp",
                      classpath,
                      MAIN,
                      "issue",
                      "--ca-dir",
                      workspace.caDirectory().toString(),
                      "--name",
                      name,
                      "--out",
                      out.toAbsolutePath().toString(),
                      "--ttl",
                      ttl))
              .redirectErrorStream(false)
              .start();
      process.getOutputStream().close();
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new LauncherException("pki issue did not finish within 60s");
      }
      PrintWriter o = spec.commandLine().getOut();
      o.print(stdout);
      o.flush();
      if (process.exitValue() != 0) {
        String reason =
            stderr
                .lines()
                .filter(l -> l.startsWith("pki: "))
                .findFirst()
                .map(l -> l.substring(5))
                .orElse(stderr.strip());
        throw new LauncherException(reason);
      }
      return 0;
    }
  }
}
