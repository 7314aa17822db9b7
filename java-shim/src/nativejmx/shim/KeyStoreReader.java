package nativejmx.shim;

import java.io.FileInputStream;
import java.io.InputStream;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Reads the Java key stores (JKS, PKCS12, whatever the JVM's providers read) that
 * httpServer.ssl names, so that the agent can hand their key and certificates to OpenSSL as
 * DER bytes. Called by native/jvm/key_store.cpp on the agent's own attached thread. Errors are
 * thrown; their toString() is what the agent logs.
 */
public final class KeyStoreReader {
    private KeyStoreReader() {}

    /**
     * The key entry to serve with: {alias as UTF-8, PKCS#8 private key, certificate chain as
     * DER, the server's own first}. The entry named `alias` when there is one; otherwise the
     * first key entry in alias order (the javaagent's key manager ignores the alias too, so a
     * store it serves must serve here). The key password is the store password, as upstream.
     */
    public static byte[][] readKeyEntry(String file, String type, String password, String alias) throws Exception {
        char[] secret = password.toCharArray();
        try {
            KeyStore store = load(file, type, secret);
            String chosen = alias != null && store.isKeyEntry(alias) ? alias : firstKeyEntry(store);
            if (chosen == null) {
                throw new IllegalArgumentException("it has no private key entry (aliases: " + aliases(store) + ")");
            }
            Key key = store.getKey(chosen, secret);
            if (!(key instanceof PrivateKey) || !"PKCS#8".equals(key.getFormat()) || key.getEncoded() == null) {
                throw new IllegalArgumentException("the key of entry '" + chosen + "' is not a private key in PKCS#8 form");
            }
            Certificate[] chain = store.getCertificateChain(chosen);
            if (chain == null || chain.length == 0) {
                throw new IllegalArgumentException("the entry '" + chosen + "' has no certificate chain");
            }
            byte[][] result = new byte[2 + chain.length][];
            result[0] = chosen.getBytes("UTF-8");
            result[1] = key.getEncoded();
            for (int i = 0; i < chain.length; i++) result[2 + i] = chain[i].getEncoded();
            return result;
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /**
     * The certificates a trust store trusts, as DER: its certificate entries and the
     * certificates of its key entries, as the JDK's trust managers take them.
     */
    public static byte[][] readTrustedCertificates(String file, String type, String password) throws Exception {
        char[] secret = password.toCharArray();
        try {
            KeyStore store = load(file, type, secret);
            List<byte[]> certificates = new ArrayList<byte[]>();
            for (String alias : Collections.list(store.aliases())) {
                Certificate certificate = store.getCertificate(alias);
                if (certificate != null) certificates.add(certificate.getEncoded());
            }
            if (certificates.isEmpty()) throw new IllegalArgumentException("it holds no certificate to trust");
            return certificates.toArray(new byte[0][]);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    private static KeyStore load(String file, String type, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance(type != null ? type : KeyStore.getDefaultType());
        InputStream in = new FileInputStream(file);
        try {
            store.load(in, password);
        } finally {
            in.close();
        }
        return store;
    }

    private static String firstKeyEntry(KeyStore store) throws Exception {
        List<String> sorted = Collections.list(store.aliases());
        Collections.sort(sorted);
        for (String alias : sorted) {
            if (store.isKeyEntry(alias)) return alias;
        }
        return null;
    }

    private static String aliases(KeyStore store) throws Exception {
        List<String> sorted = Collections.list(store.aliases());
        Collections.sort(sorted);
        return sorted.isEmpty() ? "none" : String.join(", ", sorted);
    }
}
