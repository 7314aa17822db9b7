package nativejmx.shim;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * jvm_memory_pool_allocated_bytes_total as client_java counts it: after each GC, a pool's
 * growth since the last GC plus its growth during this GC (only increases count).
 * Registered at the first scrape, not at start-up (the agent touches no management before):
 * collections before the first scrape are not counted.
 */
final class AllocationCounter implements NotificationListener {
    private final HashMap<String, Long> usedAfterLastGc = new HashMap<String, Long>();
    private final TreeMap<String, Long> allocated = new TreeMap<String, Long>();

    static AllocationCounter register() {
        AllocationCounter counter = new AllocationCounter();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter) ((NotificationEmitter) gc).addNotificationListener(counter, null, null);
        }
        return counter;
    }

    public void handleNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) return;
        GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
        Map<String, MemoryUsage> after = info.getMemoryUsageAfterGc();
        synchronized (this) {
            for (Map.Entry<String, MemoryUsage> entry : info.getMemoryUsageBeforeGc().entrySet()) {
                MemoryUsage afterUsage = after.get(entry.getKey());
                if (afterUsage == null) continue;
                long before = entry.getValue().getUsed();
                long now = afterUsage.getUsed();
                Long last = usedAfterLastGc.put(entry.getKey(), now);
                long increase = Math.max(0, before - (last == null ? 0 : last)) + Math.max(0, now - before);
                if (increase > 0) {
                    Long total = allocated.get(entry.getKey());
                    allocated.put(entry.getKey(), (total == null ? 0 : total) + increase);
                }
            }
        }
    }

    /** pool -> bytes, a copy taken under the lock. */
    synchronized TreeMap<String, Long> snapshot() {
        return new TreeMap<String, Long>(allocated);
    }
}
