package io.getport.ocean.aws.credentials.spi.support;

import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a token file ({@code AWS_WEB_IDENTITY_TOKEN_FILE}, {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}) with a size
 * bound and a time bound, anew on every call (the kubelet rotates these tokens).
 *
 * <ul>
 *   <li><b>Type</b>: an existing path must be a regular file (symbolic links are followed, as Kubernetes projects
 *       tokens through them). A FIFO, a device such as {@code /dev/zero}, or a directory is refused before it is
 *       opened, so it can neither block nor fill the heap.</li>
 *   <li><b>Size</b>: at most {@value #MAX_TOKEN_BYTES} bytes (service account tokens are 1 to 2 KB), checked before
 *       and after reading.</li>
 *   <li><b>Time</b>: the read runs on one of at most {@value #READERS} daemon helper threads and is abandoned after
 *       {@link #READ_DEADLINE} (a file system that hangs); when all helpers are stuck, reads fail at once.</li>
 *   <li><b>Content</b>: trimmed, non-empty, one line of printable ASCII (spaces allowed inside) (a JWT or an opaque token).</li>
 * </ul>
 * Every failure is a {@link ReadRoleException} with reason {@code BASE_IDENTITY_INVALID} naming the setting, the file
 * and the rule; it never contains the file's content. The file is read through
 * {@link RuntimeEnvironment#readFile(Path)}, so an environment that serves files itself keeps working.
 *
 * <p>Thread safe.
 */
public final class TokenFiles {
    /** The largest token file read. */
    public static final int MAX_TOKEN_BYTES = 16 * 1024;
    /** How long one read of a token file may take. */
    public static final Duration READ_DEADLINE = Duration.ofSeconds(2);
    static final int READERS = 2;

    private static final ThreadPoolExecutor EXECUTOR = new ThreadPoolExecutor(0, READERS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), daemon());

    private TokenFiles() {
    }

    /**
     * Reads the token in {@code file}.
     *
     * @param environment reads the file
     * @param file the token file
     * @param what what the token is, for messages ("the web identity token")
     * @param setting the setting that named the file, for messages ({@code AWS_WEB_IDENTITY_TOKEN_FILE})
     * @param advice what to check when the file cannot be read (one sentence)
     * @return the token, trimmed
     * @throws ReadRoleException with reason {@code BASE_IDENTITY_INVALID} when the file breaks a rule above
     */
    public static String read(RuntimeEnvironment environment, Path file, String what, String setting,
            String advice) {
        String from = setting + "=" + file;
        BasicFileAttributes attributes = null;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            // The environment may serve the file itself; it reports a missing file below.
        } catch (IOException | SecurityException e) {
            throw unreadable(what, from, e.getClass().getSimpleName(), advice);
        }
        if (attributes != null) {
            if (!attributes.isRegularFile()) {
                throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "TokenFileNotRegular",
                        "Cannot read " + what + ": " + from + " is " + (attributes.isDirectory() ? "a directory"
                                : "not a regular file (a FIFO, a device or a socket)") + "; it must be a regular"
                                + " file holding the token.", null);
            }
            if (attributes.size() > MAX_TOKEN_BYTES) {
                throw tooLarge(what, from);
            }
        }
        String text = readWithin(environment, file, what, from, advice);
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_TOKEN_BYTES) {
            throw tooLarge(what, from);
        }
        return validate(text, what, "the token file " + from);
    }

    /**
     * Checks a token read from a file or a variable: trimmed, non-empty, one line of printable ASCII.
     *
     * @param from where it came from, for messages ({@code the token file X=path}, {@code AWS_..._TOKEN})
     * @return the token, trimmed
     * @throws ReadRoleException with reason {@code BASE_IDENTITY_INVALID} naming {@code from}, never the token
     */
    public static String validate(String text, String what, String from) {
        String token = text.strip();
        if (token.isEmpty()) {
            throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "TokenInvalid",
                    capitalized(what) + " from " + from + " is empty.", null);
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "TokenInvalid",
                        capitalized(what) + " from " + from + " holds " + (c == '\n' || c == '\r'
                                ? "a line break; it must be a single line" : "a control or non-ASCII character; it"
                                + " must be printable ASCII") + ".", null);
            }
        }
        return token;
    }

    private static String capitalized(String what) {
        return what.isEmpty() ? what : Character.toUpperCase(what.charAt(0)) + what.substring(1);
    }

    private static String readWithin(RuntimeEnvironment environment, Path file, String what, String from,
            String advice) {
        Future<String> read;
        try {
            read = EXECUTOR.submit(() -> environment.readFile(file));
        } catch (RejectedExecutionException e) {
            throw unreadable(what, from, "earlier reads of token files are still blocked; the file system hangs",
                    advice);
        }
        try {
            return read.get(READ_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            read.cancel(true);
            throw unreadable(what, from, "not read within " + READ_DEADLINE.toMillis() + " ms", advice);
        } catch (InterruptedException e) {
            read.cancel(true);
            Thread.currentThread().interrupt();
            throw unreadable(what, from, "interrupted", advice);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause();
            if (cause instanceof OutOfMemoryError) {
                throw tooLarge(what, from);
            }
            throw unreadable(what, from, cause.getClass().getSimpleName(), advice);
        }
    }

    private static ReadRoleException unreadable(String what, String from, String detail, String advice) {
        return ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "TokenFileUnreadable",
                "Cannot read " + what + ": " + from + " (" + detail + "). " + advice, null);
    }

    private static ReadRoleException tooLarge(String what, String from) {
        return ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "TokenFileTooLarge",
                "The token file " + from + " (" + what + ") is larger than " + MAX_TOKEN_BYTES + " bytes; a token"
                        + " is a few kilobytes at most. Check that the setting names the token file.", null);
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, "ocean-aws-token-file-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
