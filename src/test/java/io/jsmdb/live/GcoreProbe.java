package io.jsmdb.live;

/** Runs one capture and prints its error (GcoreCliTest runs it as another user, from a copy of the classes). */
public final class GcoreProbe {
    private GcoreProbe() {}

    public static void main(String[] args) {
        try {
            Gcore.capture(Integer.parseInt(args[0]), java.nio.file.Path.of(args[1]));
            System.out.println("captured");
        } catch (Gcore.GcoreException e) {
            System.out.println(e.getMessage());
        }
    }
}
