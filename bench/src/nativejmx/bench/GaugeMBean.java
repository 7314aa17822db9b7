package nativejmx.bench;

/** A Yammer gauge as Kafka's JmxReporter exposes it: one attribute, Value, typed Object. */
public interface GaugeMBean {
    Object getValue();
}
