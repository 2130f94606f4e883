package io.jsmdb.binary;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * C++ (Itanium ABI) demangling through libstdc++'s {@code __cxa_demangle}, called with
 * java.lang.foreign. Never throws: a name that is not mangled, that fails to demangle, or any
 * failure to load libstdc++ gives the input back unchanged. Results are cached. Thread-safe.
 */
public final class Demangler {
    private static final int CACHE_LIMIT = 1 << 18;
    private static final ConcurrentHashMap<String, String> CACHE = new ConcurrentHashMap<>();
    private static final AtomicBoolean PREWARM_STARTED = new AtomicBoolean();

    private Demangler() {}

    /** The demangled form of mangled, or mangled itself. */
    public static String demangle(String mangled) {
        if (mangled == null || !mangled.startsWith("_Z")) return mangled;
        String cached = CACHE.get(mangled);
        if (cached != null) return cached;
        String result = Native.demangle(mangled);
        if (CACHE.size() >= CACHE_LIMIT) CACHE.clear();
        CACHE.put(mangled, result);
        return result;
    }

    /**
     * Binds __cxa_demangle on a daemon thread now, so that the first demangle() does not pay the
     * one-time java.lang.foreign linker start-up (~50-150 ms in a cold JVM). Idempotent; optional.
     */
    public static void prewarmAsync() {
        if (!PREWARM_STARTED.compareAndSet(false, true)) return;
        try {
            Thread.ofPlatform().daemon().name("jsmdb-demangler-init").start(() -> Native.demangle("_Z1fv"));
        } catch (Throwable ignored) {
            // the first demangle() binds instead
        }
    }

    /** True if libstdc++'s __cxa_demangle could be bound (so demangle() does real work). */
    public static boolean available() {
        return Native.CXA_DEMANGLE != null;
    }

    /** Loaded on first use, so that programs that never demangle pay nothing. */
    private static final class Native {
        static final MethodHandle CXA_DEMANGLE;
        static final MethodHandle FREE;

        static {
            MethodHandle demangle = null, free = null;
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup stdcxx = SymbolLookup.libraryLookup("libstdc++.so.6", Arena.global());
                MemorySegment fn = stdcxx.find("__cxa_demangle").orElseThrow();
                MemorySegment freeFn = linker.defaultLookup().find("free").orElseThrow();
                demangle = linker.downcallHandle(fn, FunctionDescriptor.of(ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
                free = linker.downcallHandle(freeFn, FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
            } catch (Throwable t) {
                demangle = null;
                free = null;
            }
            CXA_DEMANGLE = demangle;
            FREE = free;
        }

        static String demangle(String mangled) {
            if (CXA_DEMANGLE == null || mangled.indexOf('\0') >= 0) return mangled;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment in = arena.allocateFrom(mangled);
                MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
                status.set(ValueLayout.JAVA_INT, 0, -1);
                MemorySegment out = (MemorySegment) CXA_DEMANGLE.invokeExact(in, MemorySegment.NULL, MemorySegment.NULL, status);
                if (out.equals(MemorySegment.NULL) || out.address() == 0) return mangled;
                try {
                    if (status.get(ValueLayout.JAVA_INT, 0) != 0) return mangled;
                    return out.reinterpret(Long.MAX_VALUE).getString(0);
                } finally {
                    FREE.invokeExact(out);
                }
            } catch (Throwable t) {
                return mangled;
            }
        }
    }
}
