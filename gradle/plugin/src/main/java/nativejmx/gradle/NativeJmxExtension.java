package nativejmx.gradle;

import java.io.File;
import org.gradle.api.Project;

/**
 * The {@code nativejmx { }} block: where the agent library and its config are, and the port it
 * serves. Read when the tasks run, so it may be set anywhere in the build script.
 */
public class NativeJmxExtension {
    /** Where the Docker images of this repository put the library. */
    static final String DEFAULT_AGENT = "/opt/nativejmx/libnativejmx.so";
    static final int DEFAULT_PORT = 9404;

    private File agent;
    private File config;
    private int port = DEFAULT_PORT;
    private Integer testPort;
    private File checker;

    public NativeJmxExtension(Project project) {
        this.agent = new File(DEFAULT_AGENT);
        this.config = project.file("src/main/nativejmx/config.yaml");
    }

    /** The agent library, libnativejmx.so. */
    public File getAgent() { return agent; }
    public void setAgent(File agent) { this.agent = agent; }

    /** The javaagent-format YAML config. */
    public File getConfig() { return config; }
    public void setConfig(File config) { this.config = config; }

    /** The port of `run` and of the installed start script. */
    public int getPort() { return port; }
    public void setPort(int port) { this.port = port; }

    /** The port of the `test` JVMs; the run port when unset. */
    public int getTestPort() { return testPort != null ? testPort : port; }
    public void setTestPort(int testPort) { this.testPort = testPort; }

    /** nativejmx-check; when unset, looked for next to the agent and on the PATH. */
    public File getChecker() { return checker; }
    public void setChecker(File checker) { this.checker = checker; }

    /** The JVM option that loads the agent; its argument is the javaagent's PORT:FILE. */
    static String agentOption(String library, int servePort, String configFile) {
        return "-agentpath:" + library + "=" + servePort + ":" + configFile;
    }
}
