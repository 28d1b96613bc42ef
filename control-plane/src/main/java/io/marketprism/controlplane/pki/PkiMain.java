package io.marketprism.controlplane.pki;

import io.marketprism.kit.config.Durations;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Issues an operator's client certificate from the mesh CA, for calling services directly:
 *
 * <pre>{@code
 * java io.marketprism.controlplane.pki.PkiMain issue --ca-dir DIR --name NAME --out DIR [--ttl 24h]
 * }</pre>
 *
 * The CA is loaded from {@code --ca-dir} ({@code ca.pem}, {@code ca-key.pem}), or created there on first use. The
 * certificate's identity is {@code spiffe://marketprism/operator/<name>}: RBAC rules with {@code from: "*"} admit
 * it, rules naming services do not. Writes {@code cert.pem}, {@code key.pem} (owner-only), {@code ca.pem}. The
 * {@code marketprism pki issue} command runs this. Exit status 2 for bad arguments.
 */
public final class PkiMain {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration MAX_TTL = Duration.ofDays(30);

  private PkiMain() {}

  public static void main(String[] args) {
    try {
      System.out.println(run(args));
    } catch (IllegalArgumentException e) {
      System.err.println("pki: " + e.getMessage());
      System.exit(2);
    } catch (IOException e) {
      System.err.println("pki: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Issues the certificate {@code args} describe; returns what to tell the operator. */
  static String run(String[] args) throws IOException {
    if (args.length == 0 || !args[0].equals("issue")) {
      throw new IllegalArgumentException("usage: issue --ca-dir DIR --name NAME --out DIR [--ttl 24h]");
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    String name = required(options, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("--name must be 1 to 63 characters of [a-z0-9-] starting with a letter (was \"" + name + "\")");
    }
    Path caDir = Path.of(required(options, "ca-dir"));
    Path out = Path.of(required(options, "out"));
    String ttlText = options.getOrDefault("ttl", "24h");
    Optional<Duration> ttl = Durations.parse(ttlText);
    if (ttl.isEmpty() || ttl.get().isNegative() || ttl.get().isZero() || ttl.get().compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("--ttl must be a duration up to 30d, e.g. 8h (was \"" + ttlText + "\")");
    }
    options.keySet().removeAll(java.util.Set.of("name", "ca-dir", "out", "ttl"));
    if (!options.isEmpty()) {
      throw new IllegalArgumentException("unknown option --" + options.keySet().iterator().next());
    }
    MeshCa ca = MeshCa.loadOrCreate(caDir, CA_VALIDITY, Clock.systemUTC());
    WorkloadCertificate certificate = ca.issueFor("spiffe://" + MeshCa.TRUST_DOMAIN + "/operator/" + name, name, ttl.get());
    PemFiles.write(out, certificate);
    Path abs = out.toAbsolutePath();
    return "issued " + certificate.spiffeId() + " valid until " + certificate.notAfter() + "\n"
        + "  certificate " + abs.resolve(PemFiles.CERTIFICATE) + "\n"
        + "  key         " + abs.resolve(PemFiles.KEY) + "\n"
        + "  CA          " + abs.resolve(PemFiles.CA) + "\n"
        + "use: buf curl --cert " + abs.resolve(PemFiles.CERTIFICATE) + " --key " + abs.resolve(PemFiles.KEY)
        + " --cacert " + abs.resolve(PemFiles.CA) + " https://127.0.0.1:<port>/<service>/<method>";
  }

  private static String required(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return value;
  }
}
