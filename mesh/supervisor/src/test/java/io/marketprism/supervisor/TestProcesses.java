package io.marketprism.supervisor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Builders for the processes the supervisor tests run. */
final class TestProcesses {

  private TestProcesses() {}

  static NatsServerProcess nats(Path directory) {
    var ports = FreePorts.allocate(2);
    return NatsServerProcess.builder(directory)
        .port(ports.get(0))
        .monitorPort(ports.get(1))
        .maxFileStoreBytes(1L << 30)
        .stopGrace(Duration.ofSeconds(5))
        .build();
  }

  static JavaServiceProcess service(String name, Class<?> main, Path directory) {
    int port = FreePorts.allocate();
    return JavaServiceProcess.builder(name, port)
        .classpath(JavaServiceProcess.Classpath.of(System.getProperty("java.class.path")))
        .mainClass(main.getName())
        .jvmOptions(java.util.List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
        .environment(Map.of("MARKETPRISM_GRPC_PORT", Integer.toString(port)))
        .logFile(directory.resolve(name + ".log"))
        .readyTimeout(Duration.ofSeconds(30))
        .stopGrace(Duration.ofSeconds(5))
        .build();
  }
}
