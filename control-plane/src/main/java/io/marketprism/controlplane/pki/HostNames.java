package io.marketprism.controlplane.pki;

import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.util.IPAddress;

/**
 * Host names a workload certificate carries besides its SPIFFE id, so that tools that verify host names (such as
 * {@code buf curl --cacert ca.pem https://localhost:<port>}) accept a mesh server without {@code -k}. They are no
 * identity: RBAC and the mesh's SAN checks match the SPIFFE URI only.
 *
 * @param dns DNS names ({@code localhost}), each 1 to 253 characters of dot-separated labels
 * @param ips IP address literals ({@code 127.0.0.1}, {@code ::1})
 */
public record HostNames(List<String> dns, List<String> ips) {

  // before the constants below, which the constructor checks with it
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  /** Only the SPIFFE id. */
  public static final HostNames NONE = new HostNames(List.of(), List.of());

  /** What a workload on this machine is dialled as: {@code localhost} and {@code 127.0.0.1}. */
  public static final HostNames LOOPBACK = new HostNames(List.of("localhost"), List.of("127.0.0.1"));

  /** @throws IllegalArgumentException naming the first value that is no DNS name or no IP literal */
  public HostNames {
    dns = List.copyOf(dns);
    ips = List.copyOf(ips);
    for (String name : dns) {
      if (!isDnsName(name)) {
        throw new IllegalArgumentException("\"" + name + "\" is not a DNS name (dot-separated labels of [A-Za-z0-9-])");
      }
    }
    for (String ip : ips) {
      if (!IPAddress.isValid(ip)) {
        throw new IllegalArgumentException("\"" + ip + "\" is not an IP address literal");
      }
    }
  }

  private static boolean isDnsName(String name) {
    if (name.isEmpty() || name.length() > 253) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }
}
