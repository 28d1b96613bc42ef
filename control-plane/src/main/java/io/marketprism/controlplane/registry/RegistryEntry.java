package io.marketprism.controlplane.registry;

import com.google.protobuf.InvalidProtocolBufferException;
import io.marketprism.registry.v1.Instance;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;

/**
 * What the registry stores for one instance: the instance as the API shows it, and its lease.
 *
 * <p>Stored as a format byte, the lease id, the lease ttl in milliseconds, the expiry in epoch milliseconds, then the {@link Instance} protobuf.
 * The format byte lets a later layout be read next to this one while replicas are upgraded one by one.
 */
public record RegistryEntry(Instance instance, String leaseId, Duration leaseTtl, Instant leaseExpiry) {

  private static final int FORMAT = 1;

  public InstanceKey key() {
    return InstanceKey.of(instance);
  }

  public RegistryEntry withInstance(Instance changed) {
    return new RegistryEntry(changed, leaseId, leaseTtl, leaseExpiry);
  }

  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeUTF(leaseId);
      out.writeLong(leaseTtl.toMillis());
      out.writeLong(leaseExpiry.toEpochMilli());
      instance.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads an entry written by {@link #encode()}.
   *
   * @throws IllegalArgumentException if the bytes are not an entry of a known format
   */
  public static RegistryEntry decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int format = in.readUnsignedByte();
      if (format != FORMAT) {
        throw new IllegalArgumentException("unknown registry entry format " + format);
      }
      String leaseId = in.readUTF();
      Duration ttl = Duration.ofMillis(in.readLong());
      Instant expiry = Instant.ofEpochMilli(in.readLong());
      return new RegistryEntry(Instance.parseFrom(in), leaseId, ttl, expiry);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("corrupt registry entry: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt registry entry: " + e.getMessage(), e);
    }
  }
}
