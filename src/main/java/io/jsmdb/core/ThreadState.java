package io.jsmdb.core;

/**
 * One thread of the dumped process, from its NT_PRSTATUS note.
 *
 * @param tid    the kernel thread id (LWP)
 * @param signal the signal pending for this thread when it was dumped (pr_cursig), 0 if none
 * @param index  position of the note in the core; the kernel writes the thread that took
 *               the fatal signal first
 */
public record ThreadState(int tid, int signal, Registers registers, int index) {}
