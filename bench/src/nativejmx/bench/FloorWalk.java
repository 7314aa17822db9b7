package nativejmx.bench;

import java.util.Collection;
import java.util.Set;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

/**
 * The floor: what reading every bean costs in pure Java, in-process, with nothing done with the
 * values. An exporter cannot be cheaper than this walk: queryNames, getMBeanInfo, getAttributes
 * of the readable attributes, recursing into composite and tabular data.
 */
final class FloorWalk {
    private final MBeanServer server;
    int beans;
    int values;
    private double sink;   // consumes every value, so no read can be optimised away

    FloorWalk(MBeanServer server) {
        this.server = server;
    }

    void walk() {
        beans = 0;
        values = 0;
        Set<ObjectName> names = server.queryNames(null, null);
        for (ObjectName name : names) {
            try {
                walkBean(name);
            } catch (Exception e) {
                // a bean that fails to read is skipped, as an exporter skips it
            }
        }
    }

    private void walkBean(ObjectName name) throws Exception {
        MBeanAttributeInfo[] infos = server.getMBeanInfo(name).getAttributes();
        String[] readable = new String[infos.length];
        int n = 0;
        for (MBeanAttributeInfo info : infos) {
            if (info.isReadable()) readable[n++] = info.getName();
        }
        if (n < readable.length) readable = java.util.Arrays.copyOf(readable, n);
        AttributeList list = server.getAttributes(name, readable);
        beans++;
        for (Object element : list) consume(((Attribute) element).getValue());
    }

    private void consume(Object value) {
        if (value instanceof CompositeData) {
            CompositeData composite = (CompositeData) value;
            for (String key : composite.getCompositeType().keySet()) consume(composite.get(key));
        } else if (value instanceof TabularData) {
            Collection<?> rows = ((TabularData) value).values();
            for (Object row : rows) consume(row);
        } else if (value instanceof Number) {
            sink += ((Number) value).doubleValue();
            values++;
        } else if (value != null) {
            sink += value.hashCode();
            values++;
        }
    }

    /** Keeps the sink observable. */
    double sink() {
        return sink;
    }
}
