package io.jsmdb.cmd;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** The dcmds of a session, by name. */
public final class DcmdRegistry {
    private final TreeMap<String, Dcmd> byName = new TreeMap<>();

    public DcmdRegistry() {}

    public DcmdRegistry(Collection<? extends Dcmd> dcmds) {
        dcmds.forEach(this::register);
    }

    /** A registry holding {@link Dcmds#all()}. */
    public static DcmdRegistry standard() {
        return new DcmdRegistry(Dcmds.all());
    }

    /** Adds a dcmd; a second one with the same name is a programming error. */
    public DcmdRegistry register(Dcmd dcmd) {
        String name = dcmd.name();
        if (!CommandLineParser.isDcmdName(name)) {
            throw new IllegalArgumentException("bad dcmd name: '" + name + "'");
        }
        if (byName.putIfAbsent(name, dcmd) != null) {
            throw new IllegalArgumentException("dcmd registered twice: " + name);
        }
        return this;
    }

    public Optional<Dcmd> lookup(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** All dcmds sorted by name. */
    public List<Dcmd> all() {
        return List.copyOf(byName.values());
    }

    /** Sorted names. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }
}
