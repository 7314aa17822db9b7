package nativejmx.bench;

import java.util.concurrent.TimeUnit;

/** The attributes of a Yammer meter as Kafka's JmxReporter exposes them (e.g. BytesInPerSec). */
public interface MeterMBean {
    long getCount();

    String getEventType();

    TimeUnit getRateUnit();

    double getMeanRate();

    double getOneMinuteRate();

    double getFiveMinuteRate();

    double getFifteenMinuteRate();
}
