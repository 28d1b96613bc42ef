package io.marketprism.controlplane.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Writes certificates and keys as the gRPC {@code file_watcher} certificate provider reads them: {@code cert.pem}
 * (the workload certificate), {@code key.pem} (PKCS#8, owner-only), {@code ca.pem}. Each file is replaced by an
 * atomic rename, so a watcher never reads half a file.
 */
public final class PemFiles {

  public static final String CERTIFICATE = "cert.pem";
  public static final String KEY = "key.pem";
  public static final String CA = "ca.pem";

  private PemFiles() {}

  /**
   * Writes {@code certificate}'s three files to {@code dir}: key first, then certificate, so that a watcher that
   * sees the new certificate also finds its key.
   */
  public static void write(Path dir, WorkloadCertificate certificate) throws IOException {
    Files.createDirectories(dir);
    writeAtomically(dir.resolve(CA), pem(certificate.ca()));
    writePrivate(dir.resolve(KEY), pem(certificate.key()));
    writeAtomically(dir.resolve(CERTIFICATE), pem(certificate.certificate()));
  }

  static String pem(X509Certificate certificate) {
    return MeshCa.toPem(certificate);
  }

  static String pem(PrivateKey key) {
    try {
      return MeshCa.toPem(new JcaPKCS8Generator(key, null).generate());
    } catch (Exception e) {
      throw new IllegalStateException("cannot encode a private key: " + e.getMessage(), e);
    }
  }

  static void writePrivate(Path file, String text) throws IOException {
    write(file, text, true);
  }

  static void writeAtomically(Path file, String text) throws IOException {
    write(file, text, false);
  }

  private static void write(Path file, String text, boolean ownerOnly) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      if (ownerOnly) {
        try {
          Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system: the directory's permissions must protect the key
        }
      }
      Files.writeString(temp, text, StandardCharsets.US_ASCII);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
