package nativejmx.bench;

import java.util.concurrent.TimeUnit;

/** A meter whose count grows with time at its own rate, so every scrape sees new values. */
public final class Meter implements MeterMBean {
    private final String eventType;
    private final double perSecond;

    public Meter(String eventType, double perSecond) {
        this.eventType = eventType;
        this.perSecond = perSecond;
    }

    @Override
    public long getCount() {
        return (long) (Clock.seconds() * perSecond);
    }

    @Override
    public String getEventType() {
        return eventType;
    }

    @Override
    public TimeUnit getRateUnit() {
        return TimeUnit.SECONDS;
    }

    @Override
    public double getMeanRate() {
        return perSecond;
    }

    @Override
    public double getOneMinuteRate() {
        return perSecond * Clock.wave(60);
    }

    @Override
    public double getFiveMinuteRate() {
        return perSecond * Clock.wave(300);
    }

    @Override
    public double getFifteenMinuteRate() {
        return perSecond * Clock.wave(900);
    }
}
