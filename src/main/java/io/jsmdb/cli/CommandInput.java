package io.jsmdb.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Command lines read from a stream (stdin, {@code -f -}) that is checked to be text before
 * anything from it runs. Every byte is checked as soon as it is read, so no line of a chunk
 * runs before the whole chunk is known to be text; a regular file is read (and checked) to its
 * end before its first line runs. Text is UTF-8 without NUL bytes: a stream that is not (a
 * binary file on stdin, or the JVM's own {@code lib/modules} when jsmdb was started with stdin
 * closed and the JVM's first open file became fd 0) is refused with {@link NotText}, so its
 * bytes never reach the command parser or {@code sh}.
 */
final class CommandInput {
    /** A line longer than this is not a command (and binary data without newlines would otherwise fill memory). */
    static final int MAX_LINE = 1 << 20;
    /** A regular file read whole before its first command runs; bigger is not a command file. */
    static final long MAX_FILE = 64L << 20;

    /** The stream is not text: one line for the user, exit status 2. */
    static final class NotText extends IOException {
        NotText(String message) {
            super(message, null);
        }
    }

    private final InputStream in;
    private final String name;
    private final boolean wholeFirst;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] chunk = new byte[1 << 16];
    private final ByteBuffer bytes = ByteBuffer.allocate(chunk.length + 8);
    private final StringBuilder text = new StringBuilder();
    private int consumed;      // chars of text already returned as lines
    private long offset;       // bytes decoded so far (for messages)
    private boolean eof;
    private long linesReturned;

    /**
     * @param name       what the user calls the stream ("stdin", a file name) in messages
     * @param wholeFirst read and check everything before returning the first line (a regular file)
     */
    CommandInput(InputStream in, String name, boolean wholeFirst) {
        this.in = in;
        this.name = name;
        this.wholeFirst = wholeFirst;
    }

    /** For this process's stdin: a regular file (e.g. {@code < file}) is checked whole first. */
    static CommandInput stdin(InputStream in, boolean real) {
        return new CommandInput(in, "stdin", real && Files.isRegularFile(Path.of("/proc/self/fd/0")));
    }

    /** Checks a whole file's content (-f FILE) and returns it as text. */
    static String checkText(byte[] content, String name) throws NotText {
        CommandInput c = new CommandInput(InputStream.nullInputStream(), name, true);
        c.decode(content, content.length, true);
        return c.text.toString();
    }

    /** The next line (without its newline), or null at the end. */
    String readLine() throws IOException {
        if (wholeFirst) {
            while (!eof) fill();
        }
        while (true) {
            int nl = text.indexOf("\n", consumed);
            if (nl >= 0) {
                String line = text.substring(consumed, nl);
                consumed = nl + 1;
                compact();
                linesReturned++;
                return stripCr(line);
            }
            if (eof) {
                if (consumed >= text.length()) return null;
                String line = text.substring(consumed);
                consumed = text.length();
                linesReturned++;
                return stripCr(line);
            }
            fill();
        }
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private void compact() {
        if (consumed > (1 << 16) && consumed > text.length() / 2) {
            text.delete(0, consumed);
            consumed = 0;
        }
    }

    private void fill() throws IOException {
        int n = in.read(chunk);
        if (n < 0) {
            eof = true;
            decode(chunk, 0, true);
            return;
        }
        decode(chunk, n, false);
    }

    private void decode(byte[] b, int n, boolean end) throws NotText {
        int done = 0;
        do {
            int take = Math.min(n - done, bytes.remaining());
            bytes.put(b, done, take);
            done += take;
            bytes.flip();
            CharBuffer chars = CharBuffer.allocate(bytes.remaining() + 1);
            long before = offset;
            CoderResult r = decoder.decode(bytes, chars, end && done == n);
            offset = before + bytes.position();
            chars.flip();
            int start = text.length();
            text.append(chars);
            // the first problem in byte order: a NUL decoded before a malformed sequence comes first
            int nul = text.indexOf("\0", start);
            if (nul >= 0) {
                throw notText("a NUL byte at byte " + (before + utf8Length(text, start, nul)));
            }
            if (r.isError()) {
                throw notText("invalid UTF-8 at byte " + offset);
            }
            if (end && done == n && bytes.hasRemaining()) {
                throw notText("invalid UTF-8 at byte " + offset + " (a truncated character at the end)");
            }
            bytes.compact();
        } while (done < n);
        if (text.length() - consumed > MAX_LINE && text.indexOf("\n", consumed) < 0) {
            throw notText("a line longer than " + (MAX_LINE >> 20) + " MiB");
        }
        if (wholeFirst && offset > MAX_FILE) {
            throw notText("more than " + (MAX_FILE >> 20) + " MiB of commands");
        }
    }

    private static long utf8Length(CharSequence s, int from, int to) {
        return StandardCharsets.UTF_8.encode(CharBuffer.wrap(s, from, to)).remaining();
    }

    private NotText notText(String what) {
        String closed = stdinWasClosed() ? " (fd 0 is the JVM's own " + jvmFileOnStdin() + ": was stdin closed?)" : "";
        String ran = linesReturned == 0 ? "nothing from it was run" : "nothing after line " + linesReturned + " was run";
        return new NotText(name + " is not a text of commands: " + what + closed
                + "; " + ran + " (commands are UTF-8 text; give them with -e, -f FILE, or < /dev/null for none)");
    }

    private boolean stdinWasClosed() {
        return name.equals("stdin") && jvmFileOnStdin() != null;
    }

    /** The file of the JVM itself that fd 0 is, or null (a JVM started with fd 0 closed opens lib/modules there). */
    private static String jvmFileOnStdin() {
        try {
            Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/0"));
            Path javaHome = Path.of(System.getProperty("java.home", "/nonexistent")).toRealPath();
            return target.startsWith(javaHome) ? javaHome.relativize(target).toString() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
