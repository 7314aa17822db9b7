package nativejmx.bench;

/** Time since start, from which every bean derives its values (no threads, so an idle JVM stays idle). */
final class Clock {
    private static final long START = System.nanoTime();

    private Clock() {}

    static double seconds() {
        return (System.nanoTime() - START) / 1e9 + 1000;
    }

    /** A factor between 0.5 and 1.5 that cycles over the period. */
    static double wave(double periodSeconds) {
        return 1 + 0.5 * Math.sin(seconds() * 2 * Math.PI / periodSeconds);
    }
}
