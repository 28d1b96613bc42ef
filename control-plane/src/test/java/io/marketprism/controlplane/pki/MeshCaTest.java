package io.marketprism.controlplane.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshCaTest {

  @Test
  void workloadCertificatesCarryTheSpiffeIdAndVerifyAgainstTheCa() throws Exception {
    MeshCa ca = MeshCa.create("test", Duration.ofDays(1), Clock.systemUTC());
    WorkloadCertificate issued = ca.issue("data-storage", Duration.ofHours(1));
    X509Certificate cert = issued.certificate();

    cert.verify(ca.certificate().getPublicKey());
    assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(6, "spiffe://marketprism/service/data-storage"));
    assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(Duration.between(issued.notBefore(), issued.notAfter())).isEqualTo(Duration.ofMinutes(61));
    MeshCa foreign = MeshCa.create("other", Duration.ofDays(1), Clock.systemUTC());
    assertThatThrownBy(() -> cert.verify(foreign.certificate().getPublicKey())).isInstanceOf(java.security.SignatureException.class);
  }

  @Test
  void theCaIsSavedAndLoadedAgainAndKeysAreOwnerOnly(@TempDir Path dir) throws Exception {
    MeshCa first = MeshCa.loadOrCreate(dir.resolve("ca"), Duration.ofDays(1), Clock.systemUTC());
    MeshCa again = MeshCa.loadOrCreate(dir.resolve("ca"), Duration.ofDays(1), Clock.systemUTC());
    assertThat(again.certificate()).isEqualTo(first.certificate());
    again.issue("svc", Duration.ofHours(1)).certificate().verify(first.certificate().getPublicKey());

    PemFiles.write(dir.resolve("out"), first.issue("svc", Duration.ofHours(1)));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("out/key.pem")))).isEqualTo("rw-------");
    assertThat(MeshCa.readCertificate(Files.readString(dir.resolve("out/cert.pem"))).getSubjectX500Principal().getName())
        .contains("CN=svc");
    assertThat(MeshCa.readKey(Files.readString(dir.resolve("out/key.pem"))).getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void pkiIssueWritesAnOperatorCertificateAndRejectsBadArguments(@TempDir Path dir) throws Exception {
    String out = PkiMain.run(new String[] {"issue", "--ca-dir", dir.resolve("ca").toString(), "--name", "alice",
        "--out", dir.resolve("alice").toString(), "--ttl", "8h"});

    assertThat(out).startsWith("issued spiffe://marketprism/operator/alice valid until");
    X509Certificate cert = MeshCa.readCertificate(Files.readString(dir.resolve("alice/cert.pem")));
    cert.verify(MeshCa.readCertificate(Files.readString(dir.resolve("ca/ca.pem"))).getPublicKey());
    assertThatThrownBy(() -> PkiMain.run(new String[] {"issue", "--ca-dir", "x", "--name", "Alice!", "--out", "y"}))
        .hasMessageContaining("--name must be");
    assertThatThrownBy(() -> PkiMain.run(new String[] {"issue", "--ca-dir", "x", "--name", "bob", "--out", "y", "--ttl", "90d"}))
        .hasMessageContaining("--ttl must be");
    assertThatThrownBy(() -> PkiMain.run(new String[] {"issue", "--ca-dir", "x", "--name", "bob", "--out", "y", "--ttl", "30s"}))
        .hasMessage("--ttl must be a duration from 1m to 30d, e.g. 8h (was \"30s\")");
  }

  @Test
  void hostNamesAreCheckedAndFollowTheSpiffeId() throws Exception {
    MeshCa ca = MeshCa.create("test", Duration.ofDays(1), Clock.systemUTC());
    X509Certificate cert = ca.issue("svc", Duration.ofHours(1), new HostNames(List.of("localhost", "svc.local"),
        List.of("127.0.0.1", "::1"))).certificate();
    assertThat(cert.getSubjectAlternativeNames().stream().map(n -> (Integer) n.get(0)).toList()).containsExactly(6, 2, 2, 7, 7);
    assertThatThrownBy(() -> new HostNames(List.of("bad_name"), List.of())).hasMessageContaining("\"bad_name\" is not a DNS name");
    assertThatThrownBy(() -> new HostNames(List.of(), List.of("localhost"))).hasMessageContaining("\"localhost\" is not an IP");
  }
}
