package io.jsmdb.v8.graph;

/** The GC roots of one isolate: every strong and weak root reference, each named by its kind. */
public interface RootSource {
    void forEachRoot(RootVisitor out);
}
