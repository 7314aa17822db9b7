package nativejmx.bench;

/** A gauge that drifts with time: a Long (log sizes, offsets) or an Integer (replica counts). */
public final class Gauge implements GaugeMBean {
    private final long base;
    private final double perSecond;
    private final boolean integer;

    private Gauge(long base, double perSecond, boolean integer) {
        this.base = base;
        this.perSecond = perSecond;
        this.integer = integer;
    }

    public static Gauge ofLong(long base, double perSecond) {
        return new Gauge(base, perSecond, false);
    }

    public static Gauge ofInteger(int value) {
        return new Gauge(value, 0, true);
    }

    @Override
    public Object getValue() {
        long value = base + (long) (Clock.seconds() * perSecond);
        return integer ? Integer.valueOf((int) value) : Long.valueOf(value);
    }
}
