package io.marketprism.controlplane.support;

import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/** Trust for plain (non-xDS) TLS clients of mesh servers, whose certificates carry a SPIFFE id and no host name. */
public final class SpiffeTrust {

  private SpiffeTrust() {}

  /** Verifies the chain against the mesh CA and, as SPIFFE does, ignores host names (the certificate has none). */
  public static X509ExtendedTrustManager of(X509Certificate ca) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("mesh-ca", ca);
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    X509TrustManager chain = (X509TrustManager) factory.getTrustManagers()[0];
    return new X509ExtendedTrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] certs, String auth, Socket socket) throws CertificateException {
        chain.checkClientTrusted(certs, auth);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] certs, String auth, Socket socket) throws CertificateException {
        chain.checkServerTrusted(certs, auth);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] certs, String auth, SSLEngine engine) throws CertificateException {
        chain.checkClientTrusted(certs, auth);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] certs, String auth, SSLEngine engine) throws CertificateException {
        chain.checkServerTrusted(certs, auth);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] certs, String auth) throws CertificateException {
        chain.checkClientTrusted(certs, auth);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] certs, String auth) throws CertificateException {
        chain.checkServerTrusted(certs, auth);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return chain.getAcceptedIssuers();
      }
    };
  }

}
