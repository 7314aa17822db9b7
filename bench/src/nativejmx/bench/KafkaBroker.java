package nativejmx.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A JVM with a Kafka-broker-shaped MBean population, for the benchmark and for testing Kafka rule
 * sets without Kafka. Arguments and output: bench/README.md.
 */
public final class KafkaBroker {
    static final String[] TOPIC_METERS = {"BytesInPerSec", "BytesOutPerSec", "MessagesInPerSec",
        "TotalProduceRequestsPerSec", "TotalFetchRequestsPerSec"};
    static final String[] LOG_GAUGES = {"Size", "NumLogSegments", "LogStartOffset", "LogEndOffset"};
    static final String[] PARTITION_GAUGES = {"UnderReplicated", "InSyncReplicasCount", "ReplicasCount"};
    static final String[] REQUESTS = {"Produce", "FetchConsumer", "FetchFollower", "Metadata", "OffsetCommit",
        "OffsetFetch", "JoinGroup", "Heartbeat"};

    private KafkaBroker() {}

    public static void main(String[] args) throws Exception {
        int topics = 10, partitions = 10, floorWalks = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--topics": topics = Integer.parseInt(args[++i]); break;
                case "--partitions": partitions = Integer.parseInt(args[++i]); break;
                case "--floor": floorWalks = Integer.parseInt(args[++i]); break;
                default:
                    System.err.println("usage: KafkaBroker --topics T --partitions P [--floor N]");
                    System.exit(2);
            }
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        register(server, topics, partitions);
        System.out.println("kafka-broker: ready " + server.getMBeanCount() + " beans");
        if (floorWalks > 0) System.out.println(floor(server, floorWalks));
        serveCommands();
    }

    /** The population: per topic five meters, per partition seven gauges, a few request histograms. */
    static void register(MBeanServer server, int topics, int partitions) throws Exception {
        for (int t = 0; t < topics; t++) {
            String topic = "topic-" + t;
            for (int m = 0; m < TOPIC_METERS.length; m++) {
                String eventType = TOPIC_METERS[m].startsWith("Bytes") ? "bytes" : "requests";
                server.registerMBean(new Meter(eventType, 1000.0 * (t + 1) / (m + 1)), new ObjectName(
                        "kafka.server:type=BrokerTopicMetrics,name=" + TOPIC_METERS[m] + ",topic=" + topic));
            }
            for (int p = 0; p < partitions; p++) {
                String where = ",topic=" + topic + ",partition=" + p;
                for (int g = 0; g < LOG_GAUGES.length; g++) {
                    server.registerMBean(Gauge.ofLong(1_000_000L * (p + 1), 100.0 * (g + 1)),
                            new ObjectName("kafka.log:type=Log,name=" + LOG_GAUGES[g] + where));
                }
                server.registerMBean(Gauge.ofInteger(0), new ObjectName("kafka.cluster:type=Partition,name=UnderReplicated" + where));
                server.registerMBean(Gauge.ofInteger(3), new ObjectName("kafka.cluster:type=Partition,name=InSyncReplicasCount" + where));
                server.registerMBean(Gauge.ofInteger(3), new ObjectName("kafka.cluster:type=Partition,name=ReplicasCount" + where));
            }
        }
        for (int r = 0; r < REQUESTS.length; r++) {
            server.registerMBean(new Histogram(2.0 * (r + 1)),
                    new ObjectName("kafka.network:type=RequestMetrics,name=TotalTimeMs,request=" + REQUESTS[r]));
        }
    }

    /** Times `walks` pure-Java walks; one JSON line: wall and process CPU milliseconds per walk. */
    static String floor(MBeanServer server, int walks) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        FloorWalk walk = new FloorWalk(server);
        StringBuilder wall = new StringBuilder(), cpu = new StringBuilder();
        for (int i = 0; i < walks; i++) {
            long cpuBefore = os.getProcessCpuTime();
            long before = System.nanoTime();
            walk.walk();
            long after = System.nanoTime();
            long cpuAfter = os.getProcessCpuTime();
            wall.append(i > 0 ? "," : "").append(millis(after - before));
            cpu.append(i > 0 ? "," : "").append(millis(cpuAfter - cpuBefore));
        }
        return "{\"floor\":{\"beans\":" + walk.beans + ",\"values\":" + walk.values + ",\"wall_ms\":[" + wall
                + "],\"cpu_ms\":[" + cpu + "],\"sink\":" + (walk.sink() != 0) + "}}";
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    /**
     * stdin commands, one JSON line each: "stats" (heap used and committed after a full GC, classes loaded).
     * At the end of input the JVM idles until killed.
     */
    private static void serveCommands() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null;) {
            if (line.trim().equals("stats")) System.out.println(stats());
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static String stats() {
        System.gc();
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return "{\"stats\":{\"heap_used_bytes\":" + (runtime.totalMemory() - runtime.freeMemory())
                + ",\"heap_committed_bytes\":" + runtime.totalMemory() + ",\"loaded_classes\":" + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount() + "}}";
    }
}
