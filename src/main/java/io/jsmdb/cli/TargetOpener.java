package io.jsmdb.cli;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.node.TargetException;

import java.nio.file.Path;
import java.util.List;

/** Opens the target; {@code NodeTarget::open} in jsmdb, a fake in tests (it may return null). */
@FunctionalInterface
public interface TargetOpener {
    NodeTarget open(Path nodeOrNull, Path core, List<Path> solibPath) throws TargetException;
}
