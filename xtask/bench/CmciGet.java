// One CMCI GET over HTTPS with JSSE, the TLS stack of IBM CICS Explorer: a client certificate
// from a PKCS#12 keystore and a PKCS#12 truststore, through an SSLContext. Prints the body.
// Used by `cargo xtask bench e2e` as the Java peer.
//
// usage: java -cp DIR CmciGet URL CLIENT.p12 TRUSTSTORE.p12 PASSPHRASE

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public final class CmciGet {
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: CmciGet URL CLIENT.p12 TRUSTSTORE.p12 PASSPHRASE");
            System.exit(2);
        }
        char[] pass = args[3].toCharArray();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
            keys.load(in, pass);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, pass);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(args[2]))) {
            trust.load(in, pass);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);

        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        HttpsURLConnection connection = (HttpsURLConnection) new URL(args[0]).openConnection();
        connection.setSSLSocketFactory(context.getSocketFactory());
        int status = connection.getResponseCode();
        if (status != 200) {
            System.err.println("HTTP " + status);
            System.exit(1);
        }
        try (InputStream body = connection.getInputStream()) {
            OutputStream out = System.out;
            body.transferTo(out);
            out.flush();
        }
        connection.disconnect();
    }
}
