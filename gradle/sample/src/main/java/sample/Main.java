package sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prints what the nativejmx agent inside this very JVM serves: proof that the build loaded it. */
public final class Main {
    private static final Pattern AGENT_PORT = Pattern.compile("-agentpath:.*libnativejmx\\.so=(\\d+):.*");
    private static final long DEADLINE_MILLIS = 120_000;

    private Main() {}

    public static void main(String[] args) throws Exception {
        for (String line : ownMetrics().split("\n")) {
            if (line.startsWith("sample_") || line.startsWith("jvm_threads_current")) System.out.println("sample: " + line);
        }
    }

    /** /metrics of this JVM's agent, whose port is in this JVM's own -agentpath option. */
    static String ownMetrics() throws IOException, InterruptedException {
        int port = -1;
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            Matcher matcher = AGENT_PORT.matcher(argument);
            if (matcher.matches()) port = Integer.parseInt(matcher.group(1));
        }
        if (port < 0) throw new IllegalStateException("no -agentpath:...libnativejmx.so option in this JVM");
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (true) {
            try {
                return get(new URL("http://127.0.0.1:" + port + "/metrics"));
            } catch (IOException notYet) {  // the agent binds on VMInit; a loaded machine may be slow
                if (System.currentTimeMillis() > deadline) throw notYet;
                Thread.sleep(200);
            }
        }
    }

    private static String get(URL url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        try (InputStream in = connection.getInputStream()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) body.write(buffer, 0, n);
            return new String(body.toByteArray(), StandardCharsets.UTF_8);
        } finally {
            connection.disconnect();
        }
    }
}
