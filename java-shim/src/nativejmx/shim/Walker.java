package nativejmx.shim;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.TabularData;
import javax.management.openmbean.TabularType;

/**
 * The java-shim: walks the platform MBeans in Java (many small JNI calls would cost 2-3x)
 * and hands the agent everything in one flat byte array per scrape. Compiled --release 8,
 * embedded in libnativejmx.so and defined at run time by the agent; it is never on the
 * application's classpath. Format: native/jvm/snapshot_decoder.cpp reads it.
 *
 * Scrapes are serialised by the agent; configure() and walk() are synchronized anyway.
 */
public final class Walker {
    private static final int FORMAT_VERSION = 1;

    // Record and value tags of the wire format.
    private static final byte BEAN = 'B', ATTRIBUTE = 'A', END_BEAN = 'b', JVM = 'J', END = 'E';
    private static final byte NOTHING = 'X', LONG = 'L', DOUBLE = 'D', FLOAT = 'F', BOOLEAN = 'Z',
            TEXT = 'S', NUMBER = 'N', COMPOSITE = 'C', TABULAR = 'T', ROW = 'R';
    // Family types of JVM metrics records.
    private static final byte GAUGE = 'g', COUNTER = 'c', SUMMARY = 's', INFO = 'i';

    /** Domains dropped by excludeJvmMetrics (spec 4.1). */
    private static final String[] JVM_DOMAINS = {
        "com.sun.management", "com.sun.management.jmxremote", "java.lang", "java.nio",
        "java.util.logging", "javax.management", "javax.management.remote", "jdk.internal",
        "jdk.management", "jdk.management.jfr", "sun.management"};
    private static final String[] RUNTIME_SKIPPED = {"SystemProperties", "ClassPath", "BootClassPath", "LibraryPath"};
    private static final String[] THREAD_STATES = {"NEW", "RUNNABLE", "BLOCKED", "WAITING", "TIMED_WAITING", "TERMINATED"};

    // The walk plan, replaced by configure() when the config (re)loads.
    private static ObjectName[] includes = {null};
    private static ObjectName[] excludes = {};
    private static boolean excludeJvmBeans;
    private static HashMap<ObjectName, HashSet<String>> includedAttributes = new HashMap<ObjectName, HashSet<String>>();
    private static HashMap<ObjectName, HashSet<String>> excludedAttributes = new HashMap<ObjectName, HashSet<String>>();
    private static boolean autoExclude = true;
    private static String[] customizerDomains = {};
    private static String[][] customizerProperties = {};  // key, value, key, value, ...
    private static String[][] customizerAttributes = {};  // attributesAsLabels
    // (bean, attribute name) pairs whose value had an unsupported type (spec 4.6).
    private static HashMap<ObjectName, HashSet<String>> autoExcluded = new HashMap<ObjectName, HashSet<String>>();

    private static AllocationCounter allocationCounter;  // registered at the first walk with JVM metrics

    /** A category line of `VM.native_memory summary scale=B`, read as client_java reads it. */
    private static final Pattern NATIVE_MEMORY_LINE =
            Pattern.compile("\\s*([A-Z][A-Za-z\\s]*[A-Za-z]+).*reserved=(\\d+), committed=(\\d+)");
    private static boolean nativeMemoryTracked = true;  // until the VM flag or the command says it is off
    private static boolean nativeMemoryChecked;

    // The output, in chunks well under G1's humongous-object threshold (half a region, at least
    // 512 kB): one growing array would be copied at each doubling and, past that threshold, be
    // allocated in the old generation, which grew the heap by hundreds of MB at 64,000 beans.
    // Each chunk starts with the number of bytes it holds (4 bytes, little-endian).
    private static final int CHUNK = 64 * 1024;
    private static final int CHUNK_HEADER = 4;
    private final ArrayList<byte[]> chunks = new ArrayList<byte[]>();
    private byte[] buf = new byte[CHUNK];
    private int pos = CHUNK_HEADER;

    private Walker() {}

    /**
     * Installs a new walk plan. includeNames null selects every bean. Maps are flattened: name, count, attribute..., name, count, ...;
     * customizers: domain, propertyCount, key, value..., attributeCount, attribute....
     * Returns null, or the reason the plan is invalid (e.g. a malformed ObjectName).
     */
    public static synchronized String configure(String[] includeNames, String[] excludeNames, boolean excludeJvm,
            String[] includeAttributes, String[] excludeAttributes, boolean autoExcludeUnsupported,
            String[] customizers) {
        try {
            ObjectName[] inc = includeNames == null ? new ObjectName[] {null} : objectNames(includeNames);
            ObjectName[] exc = objectNames(excludeNames);
            HashMap<ObjectName, HashSet<String>> incAttr = attributeMap(includeAttributes);
            HashMap<ObjectName, HashSet<String>> excAttr = attributeMap(excludeAttributes);
            int count = 0;
            for (int i = 0; i < customizers.length; count++) {
                i += 1;
                i += 1 + 2 * Integer.parseInt(customizers[i]);
                i += 1 + Integer.parseInt(customizers[i]);
            }
            String[] domains = new String[count];
            String[][] properties = new String[count][];
            String[][] attributes = new String[count][];
            for (int i = 0, c = 0; c < count; c++) {
                domains[c] = customizers[i++];
                int n = 2 * Integer.parseInt(customizers[i++]);
                properties[c] = new String[n];
                System.arraycopy(customizers, i, properties[c], 0, n);
                i += n;
                n = Integer.parseInt(customizers[i++]);
                attributes[c] = new String[n];
                System.arraycopy(customizers, i, attributes[c], 0, n);
                i += n;
            }
            includes = inc;
            excludes = exc;
            excludeJvmBeans = excludeJvm;
            includedAttributes = incAttr;
            excludedAttributes = excAttr;
            autoExclude = autoExcludeUnsupported;
            customizerDomains = domains;
            customizerProperties = properties;
            customizerAttributes = attributes;
            autoExcluded = new HashMap<ObjectName, HashSet<String>>();
            return null;
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static ObjectName[] objectNames(String[] names) throws Exception {
        ObjectName[] result = new ObjectName[names.length];
        for (int i = 0; i < names.length; i++) result[i] = new ObjectName(names[i]);
        return result;
    }

    private static HashMap<ObjectName, HashSet<String>> attributeMap(String[] flat) throws Exception {
        HashMap<ObjectName, HashSet<String>> map = new HashMap<ObjectName, HashSet<String>>();
        for (int i = 0; i < flat.length;) {
            ObjectName name = new ObjectName(flat[i++]);
            int n = Integer.parseInt(flat[i++]);
            HashSet<String> set = map.get(name);
            if (set == null) map.put(name, set = new HashSet<String>());
            for (int k = 0; k < n; k++) set.add(flat[i++]);
        }
        return map;
    }

    /** One scrape: the selected beans and, if asked, the JVM metrics, in chunks (see CHUNK). */
    public static synchronized byte[][] walk(boolean jvmMetrics) {
        Walker w = new Walker();
        w.writeVarint(FORMAT_VERSION);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        w.walkBeans(server);
        if (jvmMetrics) w.writeJvmMetrics();
        w.writeByte(END);
        w.closeChunk();
        return w.chunks.toArray(new byte[0][]);
    }

    // ---------------------------------------------------------------- beans (spec 4)

    private void walkBeans(MBeanServer server) {
        Set<ObjectName> names = new HashSet<ObjectName>();
        Set<ObjectName> explicit = new HashSet<ObjectName>();
        for (ObjectName include : includes) {
            Set<ObjectName> found = server.queryNames(include, null);
            names.addAll(found);
            if (include != null) explicit.addAll(found);
        }
        for (ObjectName exclude : excludes) {
            Set<ObjectName> found = server.queryNames(exclude, null);
            names.removeAll(found);
            explicit.removeAll(found);
        }
        if (excludeJvmBeans) {
            for (Iterator<ObjectName> it = names.iterator(); it.hasNext();) {
                if (isJvmDomain(it.next().getDomain())) it.remove();
            }
            names.addAll(explicit);
        }
        autoExcluded.keySet().retainAll(names);
        for (ObjectName name : names) {
            int startChunk = chunks.size();
            int start = pos;
            try {
                walkBean(server, name);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                // A bean that misbehaves in a way the JMX API does not declare: skip it whole.
                if (chunks.size() > startChunk) {
                    buf = chunks.get(startChunk);
                    chunks.subList(startChunk, chunks.size()).clear();
                }
                pos = start;
            }
        }
    }

    private static boolean isJvmDomain(String domain) {
        for (String d : JVM_DOMAINS) if (d.equals(domain)) return true;
        return false;
    }

    private void walkBean(MBeanServer server, ObjectName name) {
        MBeanInfo info;
        try {
            info = server.getMBeanInfo(name);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            return;
        }
        String domain = name.getDomain();
        // Domain first: ObjectName.getKeyProperty caches a map of the properties in every name it
        // is asked about, which would keep ~0.7 kB per bean alive after the scrape.
        boolean jfr = "jdk.management.jfr".equals(domain) && "FlightRecorder".equals(name.getKeyProperty("type"));
        if (jfr) return;
        boolean runtime = "java.lang".equals(domain) && "Runtime".equals(name.getKeyProperty("type"))
                && name.getKeyPropertyList().size() == 1;
        HashSet<String> excluded = excludedAttributes.get(name);
        HashSet<String> auto = autoExcluded.get(name);
        HashSet<String> included = includedAttributes.isEmpty() ? null : includedAttributes.get(name);
        if (!includedAttributes.isEmpty() && included == null) return;

        MBeanAttributeInfo[] all = info.getAttributes();
        MBeanAttributeInfo[] selected = new MBeanAttributeInfo[all.length];
        int n = 0;
        for (MBeanAttributeInfo a : all) {
            if (a == null || !a.isReadable()) continue;
            String an = a.getName();
            if (runtime && isRuntimeSkipped(an)) continue;
            if (excluded != null && excluded.contains(an)) continue;
            if (auto != null && auto.contains(an)) continue;
            if (included != null && !included.contains(an)) continue;
            selected[n++] = a;
        }
        if (n == 0) return;
        String[] attributeNames = new String[n];
        for (int i = 0; i < n; i++) attributeNames[i] = selected[i].getName();

        AttributeList values = null;
        boolean bulkFailed = false;
        try {
            values = server.getAttributes(name, attributeNames);
            if (values == null) return;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            bulkFailed = true;
        }

        int customizer = bulkFailed ? -1 : findCustomizer(name);
        writeByte(BEAN);
        writeString(domain);
        writeString(name.getKeyPropertyListString());
        writeByte(bulkFailed ? 1 : 0);
        writeVarint(customizer + 1);
        if (customizer >= 0) writeAttributeTexts(values, customizerAttributes[customizer]);
        else writeVarint(0);

        if (bulkFailed) {
            for (int i = 0; i < n; i++) {
                Object value;
                try {
                    value = server.getAttribute(name, attributeNames[i]);
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable t) {
                    continue;
                }
                writeAttribute(name, selected[i], value);
            }
        } else {
            for (int i = 0; i < values.size(); i++) {
                Object element = values.get(i);
                if (!(element instanceof Attribute)) continue;
                Attribute attribute = (Attribute) element;
                MBeanAttributeInfo ai = findInfo(selected, n, i, attribute.getName());
                if (ai != null) writeAttribute(name, ai, attribute.getValue());
            }
        }
        writeByte(END_BEAN);
    }

    private static boolean isRuntimeSkipped(String attribute) {
        for (String s : RUNTIME_SKIPPED) if (s.equalsIgnoreCase(attribute)) return true;
        return false;
    }

    /** Usually the i-th result is the i-th requested attribute; otherwise search. */
    private static MBeanAttributeInfo findInfo(MBeanAttributeInfo[] selected, int n, int i, String name) {
        if (i < n && selected[i].getName().equals(name)) return selected[i];
        for (int k = 0; k < n; k++) if (selected[k].getName().equals(name)) return selected[k];
        return null;
    }

    private static int findCustomizer(ObjectName name) {
        for (int c = 0; c < customizerDomains.length; c++) {
            if (!customizerDomains[c].equals(name.getDomain())) continue;
            String[] props = customizerProperties[c];
            boolean all = true;
            for (int k = 0; k < props.length && all; k += 2) all = props[k + 1].equals(name.getKeyProperty(props[k]));
            if (all) return c;
        }
        return -1;
    }

    private void writeAttributeTexts(AttributeList values, String[] wanted) {
        int count = 0;
        String[] texts = new String[wanted.length];
        for (int w = 0; w < wanted.length; w++) {
            for (Object element : values) {
                if (element instanceof Attribute && wanted[w].equals(((Attribute) element).getName())) {
                    Object v = ((Attribute) element).getValue();
                    if (v != null) {
                        texts[w] = String.valueOf(v);
                        count++;
                    }
                    break;
                }
            }
        }
        writeVarint(count);
        for (int w = 0; w < wanted.length; w++) {
            if (texts[w] == null) continue;
            writeString(wanted[w]);
            writeString(texts[w]);
        }
    }

    private void writeAttribute(ObjectName bean, MBeanAttributeInfo info, Object value) {
        writeByte(ATTRIBUTE);
        writeString(info.getName());
        writeOptionalString(info.getDescription());
        writeValue(bean, info.getName(), value);
    }

    /** One value tree (spec 4.5); NOTHING for what produces no sample. */
    private void writeValue(ObjectName bean, String nameAtLevel, Object value) {
        if (value == null) {
            writeByte(NOTHING);
        } else if (value instanceof Number) {
            writeNumber((Number) value);
        } else if (value instanceof String) {
            writeByte(TEXT);
            writeString((String) value);
        } else if (value instanceof Boolean) {
            writeByte(BOOLEAN);
            writeByte(((Boolean) value).booleanValue() ? 1 : 0);
        } else if (value instanceof Date) {
            writeByte(DOUBLE);
            writeDouble(((Date) value).getTime() / 1000.0);
        } else if (value instanceof CompositeData) {
            CompositeData composite = (CompositeData) value;
            CompositeType type = composite.getCompositeType();
            writeByte(COMPOSITE);
            writeOptionalString(type.getDescription());
            Set<String> keys = type.keySet();  // sorted: CompositeType keeps a TreeMap
            writeVarint(keys.size());
            for (String key : keys) {
                writeString(key);
                writeValue(bean, key, composite.get(key));
            }
        } else if (value instanceof TabularData) {
            writeTabular(bean, nameAtLevel, (TabularData) value);
        } else if (value.getClass().isArray()) {
            writeByte(NOTHING);
        } else if (value instanceof Optional) {
            Optional<?> optional = (Optional<?>) value;
            if (optional.isPresent()) writeValue(bean, nameAtLevel, optional.get());
            else writeByte(NOTHING);
        } else if (value instanceof Enum) {
            writeByte(TEXT);
            writeString(value.toString());
        } else {
            writeByte(NOTHING);
            if (autoExclude) {
                HashSet<String> set = autoExcluded.get(bean);
                if (set == null) autoExcluded.put(bean, set = new HashSet<String>());
                set.add(nameAtLevel);
            }
        }
    }

    private void writeNumber(Number number) {
        if (number instanceof Integer || number instanceof Long || number instanceof Short
                || number instanceof Byte || number instanceof AtomicInteger || number instanceof AtomicLong) {
            writeByte(LONG);
            writeLong(number.longValue());
        } else if (number instanceof Double) {
            writeByte(DOUBLE);
            writeDouble(number.doubleValue());
        } else if (number instanceof Float) {
            writeByte(FLOAT);
            writeInt(Float.floatToRawIntBits(number.floatValue()));
        } else {
            writeByte(NUMBER);
            writeString(number.toString());
            writeDouble(number.doubleValue());
        }
    }

    private void writeTabular(ObjectName bean, String attributeName, TabularData table) {
        TabularType tabularType = table.getTabularType();
        CompositeType rowType = tabularType.getRowType();
        List<String> indexNames = tabularType.getIndexNames();
        TreeSet<String> valueNames = new TreeSet<String>(rowType.keySet());
        valueNames.removeAll(indexNames);
        writeByte(TABULAR);
        writeOptionalString(rowType.getDescription());
        writeVarint(indexNames.size());
        for (String index : indexNames) writeString(index);
        Collection<?> rows = table.values();
        writeVarint(rows.size());
        for (Object row : rows) {
            if (!(row instanceof CompositeData)) {
                writeByte(NOTHING);
                continue;
            }
            CompositeData cells = (CompositeData) row;
            writeByte(ROW);
            for (String index : indexNames) writeIndexValue(cells.get(index));
            writeVarint(valueNames.size());
            for (String column : valueNames) {
                writeString(column);
                String levelName = column.equalsIgnoreCase("value") ? attributeName : column;
                writeValue(bean, levelName, cells.get(column));
            }
        }
    }

    private void writeIndexValue(Object value) {
        if (value == null) {
            writeByte(NOTHING);
        } else if (value instanceof CompositeData) {
            CompositeData composite = (CompositeData) value;
            Set<String> keys = composite.getCompositeType().keySet();
            writeByte(COMPOSITE);
            writeVarint(keys.size());
            for (String key : keys) {
                writeString(key);
                writeString(String.valueOf(composite.get(key)));
            }
        } else {
            writeByte(TEXT);
            writeString(String.valueOf(value));
        }
    }

    // ---------------------------------------------------------------- JVM metrics (spec 10)

    private void writeJvmMetrics() {
        writeByte(JVM);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        family("jvm_threads_current", GAUGE, "Current thread count of a JVM", "", 1);
        sample(threads.getThreadCount());
        family("jvm_threads_daemon", GAUGE, "Daemon thread count of a JVM", "", 1);
        sample(threads.getDaemonThreadCount());
        family("jvm_threads_peak", GAUGE, "Peak thread count of a JVM", "", 1);
        sample(threads.getPeakThreadCount());
        family("jvm_threads_started", COUNTER, "Started thread count of a JVM", "", 1);
        sample(threads.getTotalStartedThreadCount());
        long[] deadlocked = threads.findDeadlockedThreads();
        family("jvm_threads_deadlocked", GAUGE,
                "Cycles of JVM-threads that are in deadlock waiting to acquire object monitors or ownable synchronizers", "", 1);
        sample(deadlocked == null ? 0 : deadlocked.length);
        long[] monitorDeadlocked = threads.findMonitorDeadlockedThreads();
        family("jvm_threads_deadlocked_monitor", GAUGE,
                "Cycles of JVM-threads that are in deadlock waiting to acquire object monitors", "", 1);
        sample(monitorDeadlocked == null ? 0 : monitorDeadlocked.length);
        writeThreadStates(threads);

        List<BufferPoolMXBean> bufferPools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        family("jvm_buffer_pool_used_bytes", GAUGE, "Used bytes of a given JVM buffer pool.", "bytes", bufferPools.size());
        for (BufferPoolMXBean pool : bufferPools) sample("pool", pool.getName(), pool.getMemoryUsed());
        family("jvm_buffer_pool_capacity_bytes", GAUGE, "Bytes capacity of a given JVM buffer pool.", "bytes", bufferPools.size());
        for (BufferPoolMXBean pool : bufferPools) sample("pool", pool.getName(), pool.getTotalCapacity());
        family("jvm_buffer_pool_used_buffers", GAUGE, "Used buffers of a given JVM buffer pool.", "", bufferPools.size());
        for (BufferPoolMXBean pool : bufferPools) sample("pool", pool.getName(), pool.getCount());

        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        family("jvm_classes_currently_loaded", GAUGE, "The number of classes that are currently loaded in the JVM", "", 1);
        sample(classes.getLoadedClassCount());
        family("jvm_classes_loaded", COUNTER,
                "The total number of classes that have been loaded since the JVM has started execution", "", 1);
        sample(classes.getTotalLoadedClassCount());
        family("jvm_classes_unloaded", COUNTER,
                "The total number of classes that have been unloaded since the JVM has started execution", "", 1);
        sample(classes.getUnloadedClassCount());

        CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
        if (compilation != null && compilation.isCompilationTimeMonitoringSupported()) {
            family("jvm_compilation_time_seconds", COUNTER, "The total time in seconds taken for HotSpot class compilation",
                    "seconds", 1);
            sample(compilation.getTotalCompilationTime() / 1000.0);
        }

        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        family("jvm_gc_collection_seconds", SUMMARY, "Time spent in a given JVM garbage collector in seconds.", "seconds",
                collectors.size());
        for (GarbageCollectorMXBean gc : collectors) {
            writeString("gc");
            writeString(gc.getName());
            writeDouble(gc.getCollectionCount());
            writeDouble(gc.getCollectionTime() / 1000.0);
        }

        writeMemory(ManagementFactory.getMemoryMXBean(), ManagementFactory.getMemoryPoolMXBeans());
        writeAllocated();
        writeNativeMemory();

        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        family("jvm_runtime", INFO, "JVM runtime info", "", 1);
        writeVarint(3);
        writeString("runtime");
        writeString(String.valueOf(System.getProperty("java.runtime.name")));
        writeString("vendor");
        writeString(String.valueOf(System.getProperty("java.vm.vendor")));
        writeString("version");
        writeString(String.valueOf(System.getProperty("java.runtime.version")));

        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            family("process_cpu_seconds", COUNTER, "Total user and system CPU time spent in seconds.", "seconds", 1);
            sample(((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() / 1.0E9);
        }
        family("process_start_time_seconds", GAUGE, "Start time of the process since unix epoch in seconds.", "seconds", 1);
        sample(runtime.getStartTime() / 1000.0);
        writeByte(END);
    }

    private void writeThreadStates(ThreadMXBean threads) {
        long[] counts = new long[THREAD_STATES.length];
        long unknown = 0;
        ThreadInfo[] infos = threads.getThreadInfo(threads.getAllThreadIds(), 0);
        for (ThreadInfo info : infos) {
            if (info == null) continue;  // the thread ended meanwhile
            if (info.getThreadId() <= 0) {
                unknown++;
                continue;
            }
            counts[info.getThreadState().ordinal()]++;
        }
        family("jvm_threads_state", GAUGE, "Current count of threads by state", "", THREAD_STATES.length + 1);
        for (int i = 0; i < THREAD_STATES.length; i++) sample("state", THREAD_STATES[i], counts[i]);
        sample("state", "UNKNOWN", unknown);
    }

    private void writeMemory(MemoryMXBean memory, List<MemoryPoolMXBean> pools) {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        family("jvm_memory_objects_pending_finalization", GAUGE, "The number of objects waiting in the finalizer queue.", "", 1);
        sample(memory.getObjectPendingFinalizationCount());
        family("jvm_memory_used_bytes", GAUGE, "Used bytes of a given JVM memory area.", "bytes", 2);
        sample("area", "heap", heap.getUsed());
        sample("area", "nonheap", nonHeap.getUsed());
        family("jvm_memory_committed_bytes", GAUGE, "Committed (bytes) of a given JVM memory area.", "bytes", 2);
        sample("area", "heap", heap.getCommitted());
        sample("area", "nonheap", nonHeap.getCommitted());
        family("jvm_memory_max_bytes", GAUGE, "Max (bytes) of a given JVM memory area.", "bytes", 2);
        sample("area", "heap", heap.getMax());
        sample("area", "nonheap", nonHeap.getMax());
        family("jvm_memory_init_bytes", GAUGE, "Initial bytes of a given JVM memory area.", "bytes", 2);
        sample("area", "heap", heap.getInit());
        sample("area", "nonheap", nonHeap.getInit());

        int n = pools.size();
        MemoryUsage[] usage = new MemoryUsage[n];
        MemoryUsage[] collection = new MemoryUsage[n];
        int collected = 0;
        for (int i = 0; i < n; i++) {
            usage[i] = pools.get(i).getUsage();
            collection[i] = pools.get(i).getCollectionUsage();
            if (collection[i] != null) collected++;
        }
        String[] what = {"used", "committed", "max", "init"};
        String[] help = {"Used bytes of a given JVM memory pool.", "Committed bytes of a given JVM memory pool.",
            "Max bytes of a given JVM memory pool.", "Initial bytes of a given JVM memory pool."};
        String[] collectionHelp = {"Used bytes after last collection of a given JVM memory pool.",
            "Committed after last collection bytes of a given JVM memory pool.",
            "Max bytes after last collection of a given JVM memory pool.",
            "Initial after last collection bytes of a given JVM memory pool."};
        for (int k = 0; k < what.length; k++) {
            family("jvm_memory_pool_" + what[k] + "_bytes", GAUGE, help[k], "bytes", n);
            for (int i = 0; i < n; i++) sample("pool", pools.get(i).getName(), part(usage[i], k));
        }
        for (int k = 0; k < what.length; k++) {
            family("jvm_memory_pool_collection_" + what[k] + "_bytes", GAUGE, collectionHelp[k], "bytes", collected);
            for (int i = 0; i < n; i++) {
                if (collection[i] != null) sample("pool", pools.get(i).getName(), part(collection[i], k));
            }
        }
    }

    private void writeAllocated() {
        if (allocationCounter == null) allocationCounter = AllocationCounter.register();
        java.util.TreeMap<String, Long> allocated = allocationCounter.snapshot();
        family("jvm_memory_pool_allocated_bytes", COUNTER,
                "Total bytes allocated in a given JVM memory pool. Only updated after GC, not continuously.", "",
                allocated.size());
        for (java.util.Map.Entry<String, Long> entry : allocated.entrySet()) sample("pool", entry.getKey(), entry.getValue());
    }

    /** jvm_native_memory_*_bytes, only when Native Memory Tracking is on (spec 10). */
    private void writeNativeMemory() {
        String summary = nativeMemorySummary();
        if (summary == null) return;
        List<String> pools = new ArrayList<String>();
        List<Long> reserved = new ArrayList<Long>();
        List<Long> committed = new ArrayList<Long>();
        for (Matcher m = NATIVE_MEMORY_LINE.matcher(summary); m.find();) {
            pools.add(m.group(1));
            reserved.add(Long.parseLong(m.group(2)));
            committed.add(Long.parseLong(m.group(3)));
        }
        family("jvm_native_memory_reserved_bytes", GAUGE, "Reserved bytes of a given JVM. Reserved memory represents "
                + "the total amount of memory the JVM can potentially use.", "bytes", pools.size());
        for (int i = 0; i < pools.size(); i++) sample("pool", pools.get(i), reserved.get(i));
        family("jvm_native_memory_committed_bytes", GAUGE, "Committed bytes of a given JVM. Committed memory represents "
                + "the amount of memory the JVM is using right now.", "bytes", pools.size());
        for (int i = 0; i < pools.size(); i++) sample("pool", pools.get(i), committed.get(i));
    }

    /** The summary in bytes, or null when tracking is off (checked once, through the VM flag: no command run). */
    private static String nativeMemorySummary() {
        try {
            if (!nativeMemoryChecked) {
                nativeMemoryChecked = true;
                com.sun.management.HotSpotDiagnosticMXBean hotspot =
                        ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
                nativeMemoryTracked = hotspot != null && !"off".equals(hotspot.getVMOption("NativeMemoryTracking").getValue());
            }
            if (!nativeMemoryTracked) return null;
            Object summary = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary", "scale=B"}}, new String[] {String[].class.getName()});
            String text = String.valueOf(summary);
            if (!text.isEmpty() && !text.trim().contains("Native memory tracking is not enabled")) return text;
        } catch (Exception e) {
            // as client_java: any failure switches the families off for good
        }
        nativeMemoryTracked = false;
        return null;
    }

    private static long part(MemoryUsage usage, int k) {
        switch (k) {
            case 0: return usage.getUsed();
            case 1: return usage.getCommitted();
            case 2: return usage.getMax();
            default: return usage.getInit();
        }
    }

    /** A family header; then exactly `samples` sample records follow. */
    private void family(String name, byte type, String help, String unit, int samples) {
        writeByte(type);
        writeString(name);
        writeString(help);
        writeString(unit);
        writeVarint(samples);
    }

    private void sample(double value) {
        writeVarint(0);
        writeDouble(value);
    }

    private void sample(String label, String labelValue, double value) {
        writeVarint(1);
        writeString(label);
        writeString(labelValue);
        writeDouble(value);
    }

    // ---------------------------------------------------------------- encoding

    /** Room for `extra` contiguous bytes: a new chunk when the current one is full. */
    private void ensure(int extra) {
        if (pos + extra <= buf.length) return;
        closeChunk();
        buf = new byte[Math.max(CHUNK, CHUNK_HEADER + extra)];
        pos = CHUNK_HEADER;
    }

    private void closeChunk() {
        for (int i = 0; i < CHUNK_HEADER; i++) buf[i] = (byte) (pos >>> (8 * i));
        chunks.add(buf);
    }

    private void writeByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    private void writeVarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    private void writeInt(int v) {
        ensure(4);
        for (int i = 0; i < 4; i++) buf[pos++] = (byte) (v >>> (8 * i));
    }

    private void writeLong(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) buf[pos++] = (byte) (v >>> (8 * i));
    }

    private void writeDouble(double d) {
        writeLong(Double.doubleToRawLongBits(d));
    }

    private void writeOptionalString(String s) {
        if (s == null) {
            writeByte(0);
        } else {
            writeByte(1);
            writeString(s);
        }
    }

    /**
     * UTF-8 with a length prefix; a lone surrogate becomes '?'. String.getBytes is compiled (and
     * for ASCII text a plain copy) long before a char loop of ours would be: it makes the first
     * scrapes, which run our code in the interpreter, much cheaper.
     */
    private void writeString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeVarint(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }
}
