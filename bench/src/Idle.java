/** A JVM with only the platform MBeans, idling until killed: the default scrape. */
public class Idle {
    public static void main(String[] args) throws InterruptedException {
        System.out.println("idle: ready");
        Thread.sleep(Long.MAX_VALUE);
    }
}
