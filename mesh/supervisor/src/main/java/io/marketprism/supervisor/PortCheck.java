package io.marketprism.supervisor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, before anything starts, that every port a run needs is free, so an operator gets one
 * clear message instead of a component dying half-way through start-up with "address already in
 * use".
 */
public final class PortCheck {

  private PortCheck() {}

  /**
   * Fails when two claims name the same port or a port is already bound on 127.0.0.1.
   *
   * @throws PortConflictException naming each port, what it was meant for and how to change it
   */
  public static void requireFree(List<PortClaim> claims) {
    List<String> problems = new ArrayList<>();
    List<PortClaim> conflicts = new ArrayList<>();
    Map<Integer, PortClaim> seen = new HashMap<>();
    for (PortClaim claim : claims) {
      PortClaim earlier = seen.putIfAbsent(claim.port(), claim);
      if (earlier != null) {
        problems.add(
            claim.describe()
                + " is also configured for "
                + earlier.owner()
                + " "
                + earlier.purpose()
                + hint(claim));
        conflicts.add(claim);
      } else if (!isFree(claim.port())) {
        problems.add(claim.describe() + " is already in use by another process" + hint(claim));
        conflicts.add(claim);
      }
    }
    if (!problems.isEmpty()) {
      throw new PortConflictException(String.join("\n", problems), conflicts);
    }
  }

  /** True when nothing listens on 127.0.0.1:{@code port} (or the wildcard address) right now. */
  public static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // The servers we start set SO_REUSEADDR, so connections left in TIME_WAIT do not stop them
      // binding;
      // check the same way or a just-stopped run would look like a conflict.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String hint(PortClaim claim) {
    return claim.howToChange().isEmpty() ? "" : "; to use another port, " + claim.howToChange();
  }
}
