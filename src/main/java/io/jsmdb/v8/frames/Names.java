package io.jsmdb.v8.frames;

/** Names a SharedFunctionInfo: its debug name (shared name, else inferred name, else ""). */
interface Names {
    String debugName(long sfi);
}
