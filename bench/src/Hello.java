/** A trivial main: JVM start-up time with and without the agent. */
public class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
