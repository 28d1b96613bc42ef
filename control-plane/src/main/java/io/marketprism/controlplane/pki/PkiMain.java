package io.marketprism.controlplane.pki;

import io.marketprism.kit.config.Durations;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Issues an operator's client certificate from the mesh CA, for calling services directly, or keeps the workload
 * certificates of services fresh where no launcher does it (Envoy deployments: compose, Kubernetes):
 *
 * <pre>{@code
 * java io.marketprism.controlplane.pki.PkiMain issue --ca-dir DIR --name NAME --out DIR [--ttl 24h]
 * java io.marketprism.controlplane.pki.PkiMain rotate --ca-dir DIR --services a,b,... --out DIR [--ttl 24h]
 * }</pre>
 *
 * {@code rotate} writes {@code <out>/<service>/cert.pem, key.pem, ca.pem} with the identity
 * {@code spiffe://marketprism/service/<service>} for every service, re-issues each at two thirds of its lifetime
 * ({@link CertificateRotator}) and runs until killed; Envoy sidecars read the files through SDS. For {@code issue}:
 *
 * The CA is loaded from {@code --ca-dir} ({@code ca.pem}, {@code ca-key.pem}), or created there on first use. The
 * certificate's identity is {@code spiffe://marketprism/operator/<name>}: RBAC rules with {@code from: "operator/*"},
 * {@code from: "operator/<name>"} or {@code from: "*"} admit it, rules naming services do not. Writes {@code cert.pem}, {@code key.pem} (owner-only), {@code ca.pem}. The
 * {@code marketprism pki issue} command runs this. Exit status 2 for bad arguments.
 */
public final class PkiMain {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration MAX_TTL = Duration.ofDays(30);
  /**
   * As the launcher's {@code mesh.certificate-lifetime}: well above {@link CertificateRotator#MINIMUM_LIFETIME}, and
   * an operator certificate shorter than a minute is a typo.
   */
  private static final Duration MIN_TTL = Duration.ofMinutes(1);

  private PkiMain() {}

  public static void main(String[] args) {
    try {
      if (args.length > 0 && args[0].equals("rotate")) {
        List<CertificateRotator> rotators = startRotating(args);
        System.out.println("rotating the certificates of " + rotators.size() + " services; stop with a signal");
        Thread.currentThread().join();
        return;
      }
      System.out.println(run(args));
    } catch (IllegalArgumentException e) {
      System.err.println("pki: " + e.getMessage());
      System.exit(2);
    } catch (IOException e) {
      System.err.println("pki: " + e.getMessage());
      System.exit(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts one rotator per service {@code args} names (each has written its files on return). */
  static List<CertificateRotator> startRotating(String[] args) throws IOException {
    Map<String, String> options = options(
        args, "rotate --ca-dir DIR --services a,b,... --out DIR [--ttl 24h]", "services", "ca-dir", "out", "ttl");
    List<String> services = List.of(required(options, "services").split(","));
    services.forEach(service -> checkName("--services", service));
    Path out = Path.of(required(options, "out"));
    Duration ttl = ttl(options);
    MeshCa ca = ca(options);
    List<CertificateRotator> rotators = new ArrayList<>();
    for (String service : services) {
      rotators.add(CertificateRotator.start(ca, service, out.resolve(service), ttl, Clock.systemUTC()));
    }
    return rotators;
  }

  /** {@code --key value} pairs after the command word; any key not in {@code known} is refused. */
  private static Map<String, String> options(String[] args, String usage, String... known) {
    String command = usage.substring(0, usage.indexOf(' '));
    if (args.length == 0 || !args[0].equals(command)) {
      throw new IllegalArgumentException("usage: " + usage);
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      String key = args[i].substring(2);
      if (!java.util.Arrays.asList(known).contains(key)) {
        throw new IllegalArgumentException("unknown option --" + key);
      }
      options.put(key, args[i + 1]);
    }
    return options;
  }

  private static String checkName(String option, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          option + " must be 1 to 63 characters of [a-z0-9-] starting with a letter (was \"" + name + "\")");
    }
    return name;
  }

  /** The CA in {@code --ca-dir}, created there on first use. */
  private static MeshCa ca(Map<String, String> options) throws IOException {
    return MeshCa.loadOrCreate(Path.of(required(options, "ca-dir")), CA_VALIDITY, Clock.systemUTC());
  }

  private static Duration ttl(Map<String, String> options) {
    String ttlText = options.getOrDefault("ttl", "24h");
    Optional<Duration> ttl = Durations.parse(ttlText);
    if (ttl.isEmpty() || ttl.get().compareTo(MIN_TTL) < 0 || ttl.get().compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("--ttl must be a duration from 1m to 30d, e.g. 8h (was \"" + ttlText + "\")");
    }
    return ttl.get();
  }

  /** Issues the certificate {@code args} describe; returns what to tell the operator. */
  static String run(String[] args) throws IOException {
    Map<String, String> options =
        options(args, "issue --ca-dir DIR --name NAME --out DIR [--ttl 24h]", "name", "ca-dir", "out", "ttl");
    String name = checkName("--name", required(options, "name"));
    Path out = Path.of(required(options, "out"));
    Duration ttl = ttl(options);
    MeshCa ca = ca(options);
    WorkloadCertificate certificate = ca.issueFor("spiffe://" + MeshCa.TRUST_DOMAIN + "/operator/" + name, name, ttl);
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
