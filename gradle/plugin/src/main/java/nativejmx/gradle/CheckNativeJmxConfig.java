package nativejmx.gradle;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.gradle.api.DefaultTask;
import org.gradle.api.GradleException;
import org.gradle.api.tasks.InputFile;
import org.gradle.api.tasks.Internal;
import org.gradle.api.tasks.TaskAction;

/**
 * Checks the config at build time. With nativejmx-check (the extension's {@code checker}, else
 * next to the agent library, else on the PATH) the check is the agent's own: exit 0 clean,
 * 2 warnings (logged, the build goes on), anything else fails the build. Without it, only what
 * {@link ConfigCheck} can see: that the file is a readable, well-formed YAML mapping.
 */
public class CheckNativeJmxConfig extends DefaultTask {
    static final String CHECKER = "nativejmx-check";
    private static final int CHECKER_CLEAN = 0;
    private static final int CHECKER_WARNINGS = 2;

    private NativeJmxExtension extension;

    void setExtension(NativeJmxExtension extension) { this.extension = extension; }

    @InputFile
    public File getConfig() { return extension.getConfig(); }

    /** The nativejmx-check that will run, or null for the built-in check. */
    @Internal
    public File getChecker() {
        if (extension.getChecker() != null) return extension.getChecker();
        List<File> candidates = new ArrayList<>();
        File agentDirectory = extension.getAgent().getAbsoluteFile().getParentFile();
        candidates.add(new File(agentDirectory, CHECKER));
        candidates.add(new File(agentDirectory, "tools/" + CHECKER));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String directory : path.split(File.pathSeparator)) candidates.add(new File(directory, CHECKER));
        }
        for (File candidate : candidates) {
            if (candidate.isFile() && candidate.canExecute()) return candidate;
        }
        return null;
    }

    @TaskAction
    public void check() {
        File checker = getChecker();
        if (checker == null) {
            List<String> problems = ConfigCheck.problems(getConfig().toPath());
            if (!problems.isEmpty()) {
                throw new GradleException("nativejmx: " + getConfig() + ":\n  " + String.join("\n  ", problems));
            }
            getLogger().info("nativejmx: {} is a well-formed YAML mapping ({} not found)", getConfig(), CHECKER);
            return;
        }
        runChecker(checker);
    }

    private void runChecker(File checker) {
        try {
            File output = new File(getTemporaryDir(), "nativejmx-check.txt");
            Process process = new ProcessBuilder(checker.getPath(), getConfig().getPath())
                    .redirectErrorStream(true).redirectOutput(output).start();
            int exit = process.waitFor();
            String report = new String(Files.readAllBytes(output.toPath()), StandardCharsets.UTF_8).trim();
            if (exit == CHECKER_WARNINGS) {
                getLogger().warn("nativejmx: {} has warnings:\n{}", getConfig(), report);
            } else if (exit != CHECKER_CLEAN) {
                throw new GradleException("nativejmx: " + checker + " refused " + getConfig() + " (exit " + exit + "):\n" + report);
            }
        } catch (IOException e) {
            throw new GradleException("nativejmx: cannot run " + checker + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GradleException("nativejmx: interrupted while running " + checker, e);
        }
    }
}
