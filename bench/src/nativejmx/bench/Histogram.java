package nativejmx.bench;

/** Request latencies around a typical value that moves with time. */
public final class Histogram implements HistogramMBean {
    private final double typicalMs;

    public Histogram(double typicalMs) {
        this.typicalMs = typicalMs;
    }

    private double at(double factor) {
        return typicalMs * factor * Clock.wave(30);
    }

    @Override
    public long getCount() {
        return (long) (Clock.seconds() * 100);
    }

    @Override
    public double getMin() {
        return at(0.1);
    }

    @Override
    public double getMax() {
        return at(20);
    }

    @Override
    public double getMean() {
        return at(1.2);
    }

    @Override
    public double getStdDev() {
        return at(0.8);
    }

    @Override
    public double get50thPercentile() {
        return at(1);
    }

    @Override
    public double get75thPercentile() {
        return at(1.5);
    }

    @Override
    public double get95thPercentile() {
        return at(3);
    }

    @Override
    public double get98thPercentile() {
        return at(5);
    }

    @Override
    public double get99thPercentile() {
        return at(8);
    }

    @Override
    public double get999thPercentile() {
        return at(15);
    }
}
