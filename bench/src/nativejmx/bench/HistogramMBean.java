package nativejmx.bench;

/** A Yammer histogram as Kafka's JmxReporter exposes it (e.g. RequestMetrics TotalTimeMs). */
public interface HistogramMBean {
    long getCount();

    double getMin();

    double getMax();

    double getMean();

    double getStdDev();

    double get50thPercentile();

    double get75thPercentile();

    double get95thPercentile();

    double get98thPercentile();

    double get99thPercentile();

    double get999thPercentile();
}
