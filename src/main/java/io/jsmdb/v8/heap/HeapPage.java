package io.jsmdb.v8.heap;

/**
 * One V8 heap chunk (a regular 256 KiB page or a large-object page) found in the core.
 *
 * @param base      the chunk start (256 KiB aligned)
 * @param size      the chunk size
 * @param flags     the chunk's main-thread flags
 * @param areaStart where the first object starts
 * @param areaEnd   the end of the object area
 * @param owner     the owning Space object (0 for read-only pages)
 * @param heap      the Heap* (0 for read-only pages)
 * @param space     which space, from the owner's C++ class
 * @param ownerClass the owner's class name ("OldSpace", "SemiSpace", ...; "" for read-only)
 * @param metadata  the chunk metadata (the page itself before V8 13)
 */
public record HeapPage(long base, long size, long flags, long areaStart, long areaEnd, long owner, long heap,
                       Space space, String ownerClass, long metadata) {

    /** V8's spaces, named after the owner's class. */
    public enum Space {
        READ_ONLY, NEW, OLD, CODE, MAP, LARGE_OBJECT, NEW_LARGE_OBJECT, CODE_LARGE_OBJECT, TRUSTED,
        TRUSTED_LARGE_OBJECT, SHARED, SHARED_LARGE_OBJECT, OTHER;

        /** One object per page. */
        public boolean isLarge() {
            return this == LARGE_OBJECT || this == NEW_LARGE_OBJECT || this == CODE_LARGE_OBJECT
                    || this == TRUSTED_LARGE_OBJECT || this == SHARED_LARGE_OBJECT;
        }

        /** Swept by V8's sweeper after a full GC (old generation, regular pages; large objects are freed at once). */
        public boolean isSwept() {
            return this == OLD || this == CODE || this == MAP || this == TRUSTED || this == SHARED;
        }

        /** Machine code: raw instructions can look like anything, and there are no JS objects. */
        public boolean isCode() {
            return this == CODE || this == CODE_LARGE_OBJECT;
        }

        static Space ofOwnerClass(String cls) {
            return switch (cls) {
                case "", "ReadOnlySpace", "SharedReadOnlySpace" -> READ_ONLY;
                case "SemiSpace", "PagedSpaceForNewSpace", "PagedNewSpace", "NewSpace" -> NEW;
                case "OldSpace", "StickySpace", "CompactionSpace" -> OLD;
                case "CodeSpace" -> CODE;
                case "MapSpace" -> MAP;
                case "OldLargeObjectSpace", "LargeObjectSpace" -> LARGE_OBJECT;
                case "NewLargeObjectSpace" -> NEW_LARGE_OBJECT;
                case "CodeLargeObjectSpace" -> CODE_LARGE_OBJECT;
                case "TrustedSpace", "SharedTrustedSpace" -> TRUSTED;
                case "TrustedLargeObjectSpace", "SharedTrustedLargeObjectSpace" -> TRUSTED_LARGE_OBJECT;
                case "SharedSpace" -> SHARED;
                case "SharedLargeObjectSpace" -> SHARED_LARGE_OBJECT;
                default -> OTHER;
            };
        }
    }

    public long end() { return base + size; }
}
