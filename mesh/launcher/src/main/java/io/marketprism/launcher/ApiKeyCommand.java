package io.marketprism.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code marketprism apikey create --name N --role R | revoke --name N | list}: the local api-gateway's API keys in
 * {@code <workspace>/gateway/api-keys.json}. {@code create} prints the key once; only its hash is kept. The running
 * gateway sees changes within a second.
 */
@Command(
    name = "apikey",
    mixinStandardHelpOptions = true,
    description = "API keys for the local API gateway.",
    subcommands = {ApiKeyCommand.Create.class, ApiKeyCommand.Revoke.class, ApiKeyCommand.ListKeys.class})
final class ApiKeyCommand {

  @ParentCommand MarketPrismCommand parent;

  ApiKeyFile file() throws IOException {
    Workspace workspace = parent.workspace();
    GatewaySecrets.ensure(workspace);
    return new ApiKeyFile(GatewaySecrets.apiKeysFile(workspace));
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a key and prints it (once).")
  static final class Create implements Callable<Integer> {
    @ParentCommand ApiKeyCommand apikey;
    @Spec CommandSpec spec;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Who the key is for: [a-z0-9-].")
    String name;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "reader, operator or admin.")
    String role;

    @Override
    public Integer call() throws IOException {
      if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
        throw new LauncherException("--name must be 1-63 of [a-z0-9-], got " + name);
      }
      String key = apikey.file().create(name, Roles.require(role), Instant.now());
      PrintWriter out = spec.commandLine().getOut();
      out.println(key);
      out.flush();
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Removes a key.")
  static final class Revoke implements Callable<Integer> {
    @ParentCommand ApiKeyCommand apikey;
    @Spec CommandSpec spec;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "The key's name.")
    String name;

    @Override
    public Integer call() throws IOException {
      if (!apikey.file().revoke(name)) {
        throw new LauncherException("no API key named " + name);
      }
      spec.commandLine().getOut().println("revoked " + name);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists keys: name, role, created.")
  static final class ListKeys implements Callable<Integer> {
    @ParentCommand ApiKeyCommand apikey;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-24s %-9s %s%n", "NAME", "ROLE", "CREATED");
      for (ApiKeyFile.Entry entry : apikey.file().list()) {
        out.printf("%-24s %-9s %s%n", entry.name(), entry.role(), entry.created());
      }
      out.flush();
      return 0;
    }
  }
}
