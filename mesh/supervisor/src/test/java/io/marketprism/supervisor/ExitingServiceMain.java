package io.marketprism.supervisor;

/** A service that cannot start: prints why and exits with code 3. */
public final class ExitingServiceMain {

  private ExitingServiceMain() {}

  public static void main(String[] args) {
    System.out.println("cannot start: configuration is broken on purpose");
    System.exit(3);
  }
}
