package io.jsmdb.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Readers of the leak fixture's oracle (cores/fixtures/leak.js): per moment (0: the first gcore,
 * 1: the second) what the process had created, and V8's own snapshot counts and bytes per class.
 */
public final class LeakOracle {
    private LeakOracle() {}

    /** moments[i] of the leak oracle. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> moment(Map<String, Object> oracle, int i) {
        return (Map<String, Object>) Json.array(oracle, "moments").get(i);
    }

    /** Instances of cls the fixture had created (and holds) at moment i. */
    public static long created(Map<String, Object> oracle, int i, String cls) {
        return ((Number) Json.object(moment(oracle, i), "created").get(cls)).longValue();
    }

    /** The total self size of cls in V8's snapshot at moment i. */
    public static long snapshotBytes(Map<String, Object> oracle, int i, String cls) {
        return ((Number) Json.object(Json.object(moment(oracle, i), "snapshot"), cls).get("selfSize")).longValue();
    }

    /** The node count of cls in V8's snapshot at moment i. */
    public static long snapshotCount(Map<String, Object> oracle, int i, String cls) {
        return ((Number) Json.object(Json.object(moment(oracle, i), "snapshot"), cls).get("count")).longValue();
    }

    /** {shape "a,b,c" -> count} of cls at moment i, as the fixture built them. */
    @SuppressWarnings("unchecked")
    public static Map<String, Long> shapes(Map<String, Object> oracle, int i, String cls) {
        Map<String, Long> out = new HashMap<>();
        for (Object o : (List<Object>) Json.object(moment(oracle, i), "shapes").get(cls)) {
            Map<String, Object> s = (Map<String, Object>) o;
            out.put(String.join(",", (List<String>) s.get("properties")), ((Number) s.get("count")).longValue());
        }
        return out;
    }
}
