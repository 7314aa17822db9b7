package sample;

import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** The `test` task's JVM carries the agent too, with the sample's config. */
public class AgentInTestJvmTest {
    @Test
    public void agentServesTheConfiguredSeries() throws Exception {
        String metrics = Main.ownMetrics();
        assertTrue(metrics, metrics.contains("\nsample_os_OpenFileDescriptorCount "));
        assertTrue(metrics, metrics.contains("\njvm_memory_used_bytes{"));
    }
}
