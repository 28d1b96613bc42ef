package io.marketprism.launcher;

import io.marketprism.kit.config.Durations;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code marketprism token --role reader|operator|admin [--ttl 1h] [--subject NAME]}: prints a JWT the local
 * api-gateway accepts, signed HS256 with {@code <workspace>/gateway/jwt-hs256.key}. For {@code curl -H
 * "Authorization: Bearer $(./marketprism token --role reader)"}.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Prints a JWT for the local API gateway.")
final class TokenCommand implements Callable<Integer> {

  @ParentCommand MarketPrismCommand parent;

  @Spec CommandSpec spec;

  @Option(
      names = "--role",
      required = true,
      paramLabel = "ROLE",
      description = "reader, operator or admin.")
  String role;

  @Option(
      names = "--ttl",
      defaultValue = "1h",
      paramLabel = "DURATION",
      description = "How long the token is valid, up to 30d (default 1h).")
  String ttl;

  @Option(
      names = "--subject",
      paramLabel = "NAME",
      description = "Who the token names (its sub; default: your user name).")
  String subject;

  @Override
  public Integer call() throws IOException {
    String token =
        GatewaySecrets.mintToken(
            parent.workspace(), subjectOrUser(subject), Roles.require(role), validity(ttl), Clock.systemUTC());
    spec.commandLine().getOut().println(token);
    spec.commandLine().getOut().flush();
    return 0;
  }

  static Duration validity(String ttl) {
    return Durations.parse(ttl)
        .filter(d -> !d.isNegative() && !d.isZero())
        .filter(d -> d.compareTo(GatewaySecrets.MAX_TTL) <= 0)
        .orElseThrow(() -> new LauncherException("--ttl must be a duration from 1s to 30d, e.g. 1h, got " + ttl));
  }

  private static String subjectOrUser(String subject) {
    if (subject != null) {
      if (subject.isBlank()) {
        throw new LauncherException("--subject must not be blank");
      }
      return subject;
    }
    String user = System.getProperty("user.name", "");
    return user.isBlank() ? "local" : user;
  }
}
