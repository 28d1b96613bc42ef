package io.marketprism.launcher;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The content of {@code run/state.json}: written by the supervisor on every change, read by {@code
 * up --detach} (to know when everything is SERVING), {@code status} and {@code down} (to find
 * processes left behind by a supervisor that died).
 *
 * <pre>{@code
 * {"supervisorPid": 4242, "phase": "RUNNING", "message": "every service is SERVING", "failedComponent": null,
 *  "components": [{"name": "nats", "kind": "infrastructure", "address": "127.0.0.1:14222",
 *                  "endpoints": {"monitor": "http://127.0.0.1:18222"}, "pid": 4250,
 *                  "startedAt": "2024-01-01T10:00:00.120Z", "status": "READY", "log": ".../logs/nats.log"}, ...]}
 * }</pre>
 *
 * @param supervisorPid the supervisor's pid
 * @param phase STARTING, RUNNING, FAILED, STOPPING or STOPPED
 * @param message a sentence for the operator
 * @param failedComponent the component that made start-up fail (phase FAILED), else null
 * @param mesh whether the services run in the mesh, and its files (null in files written before the
 *     mesh existed: read as off)
 * @param components every component, in start order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunState(
    long supervisorPid,
    String phase,
    String message,
    String failedComponent,
    Mesh mesh,
    List<ComponentState> components) {

  public static final String STARTING = "STARTING";
  public static final String RUNNING = "RUNNING";
  public static final String FAILED = "FAILED";
  public static final String STOPPING = "STOPPING";
  public static final String STOPPED = "STOPPED";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public RunState {
    mesh = mesh == null ? Mesh.OFF : mesh;
    components = List.copyOf(components);
  }

  /**
   * The mesh of a run.
   *
   * @param enabled whether the services run in the xDS mesh (mTLS as the policy says)
   * @param controlPlane the control plane's address (registry and xDS), when on
   * @param policy the mesh policy file, when on
   * @param ca the CA certificate that verifies every service ({@code ca.pem}), when on
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Mesh(boolean enabled, String controlPlane, String policy, String ca) {

    public static final Mesh OFF = new Mesh(false, null, null, null);
  }

  /**
   * Reads the state file; empty when there is none or it cannot be parsed (a run that never wrote
   * one).
   */
  public static Optional<RunState> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), RunState.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Writes the state file atomically, so readers never see half of it. */
  public void write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writeValue(temporary.toFile(), this);
    Files.move(
        temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The component called {@code name}. */
  public Optional<ComponentState> component(String name) {
    return components.stream().filter(component -> component.name().equals(name)).findFirst();
  }
}
