package io.getport.ocean.aws.credentials.endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The endpoint's authorization token file: 256 random bits from {@link SecureRandom}, base64url (43 characters),
 * in a file of mode 0600 owned by the user running the endpoint.
 *
 * <p>{@link #loadOrCreate(Path)} reuses a token file that exists and passes the checks (so clients keep working
 * across restarts), creates one when it is missing (mode 0600 from creation: written to a temporary file created
 * with those permissions, then linked into place atomically, so no reader ever sees a partial token), and refuses a
 * file with group or other permission bits, another owner, a symbolic link, or content that is not a token of at
 * least 256 bits. Every read is bounded ({@value #MAX_BYTES} bytes).
 */
final class TokenFile {
    /** The most bytes read from a token file. */
    static final int MAX_BYTES = 4096;
    private static final int TOKEN_BYTES = 32;
    /** 43 base64url characters carry 256 bits; hex tokens of 64 characters are accepted too. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]{43,1024}");
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private TokenFile() {
    }

    /** Why a token file cannot be used; the message names the file and the fix, never the token. */
    static final class TokenFileException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TokenFileException(String message) {
            super(message);
        }
    }

    /**
     * Returns the token in {@code file}, creating the file with a new random token when it does not exist.
     *
     * @throws TokenFileException when the file exists but is unsafe or malformed, or cannot be created
     */
    static String loadOrCreate(Path file) {
        Path path = file.toAbsolutePath();
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return load(path, true);
        }
        String token = generate();
        create(path, token);
        return token;
    }

    /**
     * Reads a token from {@code file} as a client does ({@code credential-process --token-file}).
     *
     * @param strict whether to refuse group/other permissions and another owner (the server's own file)
     */
    static String load(Path file, boolean strict) {
        Path path = file.toAbsolutePath();
        try {
            if (Files.isSymbolicLink(path) && strict) {
                throw new TokenFileException("Token file " + path + " is a symbolic link; give the real file's path"
                        + " (--token-file)");
            }
            if (!Files.isRegularFile(path)) {
                throw new TokenFileException("Token file " + path + " is not a regular file (--token-file)");
            }
            if (strict) {
                checkOwnerAndMode(path);
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
            if (bytes.length > MAX_BYTES) {
                throw new TokenFileException("Token file " + path + " is larger than " + MAX_BYTES
                        + " bytes; it must hold one token (delete it and let 'serve' create a new one)");
            }
            String token = new String(bytes, StandardCharsets.UTF_8).strip();
            if (!TOKEN.matcher(token).matches()) {
                throw new TokenFileException("Token file " + path + " does not hold a token of at least 256 bits"
                        + " (43 or more characters of [A-Za-z0-9._~+/=-]); delete it and let 'serve' create one");
            }
            return token;
        } catch (NoSuchFileException e) {
            throw new TokenFileException("Token file " + path + " does not exist; start 'serve --token-file "
                    + path + "' first, or give the file it uses");
        } catch (IOException e) {
            throw new TokenFileException("Cannot read token file " + path + ": " + e.getClass().getSimpleName());
        }
    }

    private static void checkOwnerAndMode(Path path) throws IOException {
        Set<PosixFilePermission> perms;
        UserPrincipal owner;
        try {
            perms = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            throw new TokenFileException("Token file " + path + " is on a file system without POSIX permissions;"
                    + " put it on one that has them (e.g. a tmpfs or emptyDir volume)");
        }
        Set<PosixFilePermission> extra = EnumSet.noneOf(PosixFilePermission.class);
        extra.addAll(perms);
        extra.removeAll(OWNER_ONLY);
        if (!extra.isEmpty()) {
            throw new TokenFileException("Token file " + path + " has mode " + PosixFilePermissions.toString(perms)
                    + "; it must be readable by its owner only (chmod 600 " + path + ", or delete it and let"
                    + " 'serve' create it)");
        }
        String me = System.getProperty("user.name");
        if (me != null && !me.equals(owner.getName())) {
            throw new TokenFileException("Token file " + path + " is owned by " + owner.getName()
                    + ", not by " + me + " who runs the endpoint; delete it and let 'serve' create it");
        }
    }

    private static void create(Path path, String token) {
        Path dir = path.getParent();
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            try {
                tmp = Files.createTempFile(dir, ".token-", ".tmp", ownerOnly);
            } catch (UnsupportedOperationException e) {
                throw new TokenFileException("Cannot create token file " + path + " with mode 0600: the file system"
                        + " has no POSIX permissions; put it on one that has them");
            }
            // No trailing newline: botocore sends the file as is and refuses a header value with a line break.
            Files.writeString(tmp, token, StandardCharsets.UTF_8);
            try {
                // A hard link publishes the complete file atomically and fails if another process created it meanwhile.
                Files.createLink(path, tmp);
            } catch (UnsupportedOperationException e) {
                Files.move(tmp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
            }
        } catch (FileAlreadyExistsException e) {
            throw new TokenFileException("Token file " + path + " was created by another process while this one"
                    + " created it; start again");
        } catch (IOException e) {
            throw new TokenFileException("Cannot create token file " + path + ": " + e.getClass().getSimpleName()
                    + " (" + e.getMessage() + ")");
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Best effort: a leftover temporary file holds a token nobody uses, readable by the owner only.
                }
            }
        }
    }

    /** 256 random bits, base64url without padding. */
    static String generate() {
        byte[] bytes = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
