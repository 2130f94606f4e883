package io.jsmdb.core;

/**
 * Process information from NT_PRPSINFO: the command name (16 chars at most) and the
 * start of the argument list (80 chars at most, as the kernel truncates it).
 */
public record ProcessInfo(int pid, int ppid, int uid, int gid, char state, String fileName, String arguments) {}
