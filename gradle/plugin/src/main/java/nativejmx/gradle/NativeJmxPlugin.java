package nativejmx.gradle;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import org.gradle.api.GradleException;
import org.gradle.api.Plugin;
import org.gradle.api.Project;
import org.gradle.api.Task;
import org.gradle.api.distribution.DistributionContainer;
import org.gradle.api.tasks.JavaExec;
import org.gradle.api.tasks.application.CreateStartScripts;
import org.gradle.api.tasks.testing.Test;
import org.gradle.process.JavaForkOptions;

/**
 * Plugin {@code nativejmx.agent}: loads the nativejmx agent into the JVMs of {@code run} (every
 * JavaExec task) and {@code test} (every Test task), ships the library and the config in the
 * application's distribution ({@code installDist}, {@code distZip}, {@code distTar}) with a start
 * script that loads them, and checks the config before any of these run.
 */
public class NativeJmxPlugin implements Plugin<Project> {
    public static final String CHECK_TASK = "nativejmxCheckConfig";
    /** The distribution's directory for the library and the config. */
    static final String DISTRIBUTION_DIR = "nativejmx";
    static final String DISTRIBUTION_LIBRARY = "libnativejmx.so";
    static final String DISTRIBUTION_CONFIG = "config.yaml";
    private static final List<String> DISTRIBUTION_TASKS = Arrays.asList("installDist", "distZip", "distTar");

    @Override
    public void apply(Project project) {
        NativeJmxExtension extension = project.getExtensions().create("nativejmx", NativeJmxExtension.class, project);
        CheckNativeJmxConfig check = project.getTasks().create(CHECK_TASK, CheckNativeJmxConfig.class, task -> {
            task.setExtension(extension);
            task.setGroup("verification");
            task.setDescription("Checks the nativejmx config (nativejmx-check when available).");
        });

        project.getTasks().withType(JavaExec.class, run -> loadAgent(run, run, extension, extension::getPort));
        project.getTasks().withType(Test.class, test -> loadAgent(test, test, extension, extension::getTestPort));
        project.getTasks().matching(task -> DISTRIBUTION_TASKS.contains(task.getName()))
                .all(task -> task.dependsOn(check));
        project.getPluginManager().withPlugin("distribution", plugin -> ship(project, extension));
        project.getPluginManager().withPlugin("application", plugin ->
                project.getTasks().withType(CreateStartScripts.class, scripts -> loadAgentInStartScript(project, scripts, extension)));
    }

    /** Without the library the JVM would not start at all (-agentpath fails hard): then it runs without. */
    private static void loadAgent(Task task, JavaForkOptions jvm, NativeJmxExtension extension, IntSupplier port) {
        task.dependsOn(CHECK_TASK);
        task.doFirst(t -> {
            File library = extension.getAgent();
            if (!library.isFile()) {
                t.getLogger().warn("nativejmx: {} not found: {} runs without the agent", library, t.getPath());
                return;
            }
            jvm.jvmArgs(NativeJmxExtension.agentOption(
                    library.getAbsolutePath(), port.getAsInt(), extension.getConfig().getAbsolutePath()));
        });
    }

    /** The library and the config go to nativejmx/ in the main distribution, under fixed names. */
    private static void ship(Project project, NativeJmxExtension extension) {
        DistributionContainer distributions = project.getExtensions().getByType(DistributionContainer.class);
        distributions.getByName("main").getContents().into(DISTRIBUTION_DIR, spec -> {
            spec.from((Callable<File>) extension::getAgent, library -> library.rename(name -> DISTRIBUTION_LIBRARY));
            spec.from((Callable<File>) extension::getConfig, config -> config.rename(name -> DISTRIBUTION_CONFIG));
        });
    }

    /**
     * The Unix start script passes the agent in JAVA_OPTS, with paths under $APP_HOME (which only
     * the script knows), and only when the library is there. DEFAULT_JVM_OPTS cannot carry it:
     * current Gradle escapes `$` in it.
     */
    private static void loadAgentInStartScript(Project project, CreateStartScripts scripts, NativeJmxExtension extension) {
        project.afterEvaluate(p -> scripts.getInputs().property("nativejmxPort", extension.getPort()));
        scripts.doLast(task -> {
            Path script = new File(scripts.getOutputDir(), scripts.getApplicationName()).toPath();
            String library = "$APP_HOME/" + DISTRIBUTION_DIR + "/" + DISTRIBUTION_LIBRARY;
            String option = NativeJmxExtension.agentOption(
                    library, extension.getPort(), "$APP_HOME/" + DISTRIBUTION_DIR + "/" + DISTRIBUTION_CONFIG);
            insertAfterAppHome(script, "if [ -f \"" + library + "\" ]; then JAVA_OPTS=\"\\\"" + option
                    + "\\\" $JAVA_OPTS\"; fi");
        });
    }

    /** Inserts `line` after the script's last top-level assignment of APP_HOME. */
    static void insertAfterAppHome(Path script, String line) {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(script, StandardCharsets.UTF_8));
            int appHome = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("APP_HOME=")) appHome = i;
            }
            if (appHome < 0) throw new GradleException("nativejmx: no APP_HOME assignment in " + script);
            lines.add(appHome + 1, line);
            Files.write(script, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GradleException("nativejmx: cannot edit " + script + ": " + e.getMessage(), e);
        }
    }
}
