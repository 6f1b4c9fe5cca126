package io.getport.ocean.aws.credentials.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Watches every answer the broker's own STS client receives: records what was received (HTTP status, Content-Type,
 * bytes), so that an answer that is not a valid one is reported as what it is, and bounds it before the SDK parses
 * it: at most {@link #MAX_BYTES} bytes and {@link #MAX_DEPTH} nested XML elements (a real AssumeRole answer is a few
 * KiB deep five elements; a larger one comes from something else at the STS endpoint and would cost memory, a deeper
 * one a {@link StackOverflowError} in the SDK's XML parser). A rejected answer fails the call with an
 * {@link AnswerRejected}; the gateway reports it as an invalid answer.
 *
 * <p>The SDK offers no size or depth limit for service answers, hence this interceptor. It reads no value: nothing
 * it records can be a credential. Thread safe: one {@link Received} per call.
 */
final class StsAnswerGuard implements ExecutionInterceptor {
    /** The most bytes of one STS answer read. */
    static final int MAX_BYTES = 256 * 1024;
    /** The deepest element nesting of one STS answer accepted. */
    static final int MAX_DEPTH = 32;
    /** Where a call's {@link Received} travels with the request. */
    static final ExecutionAttribute<Received> RECEIVED = new ExecutionAttribute<>("io.getport.ocean.StsAnswer");

    /** What one call received, for messages; filled in by the interceptor. */
    static final class Received {
        private volatile int status = -1;
        private volatile String contentType;
        private volatile long declaredLength = -1;
        private final AtomicLong bytes = new AtomicLong();
        private volatile String rejected;
        private volatile IOException connectionFailure;

        /** Whether an HTTP answer (status line and headers) arrived. */
        boolean answered() {
            return status >= 0;
        }

        int status() {
            return status;
        }

        /** Why the answer was rejected (too large, too deep), or null. */
        String rejected() {
            return rejected;
        }

        /** The I/O failure of the connection while the body was read, or null. */
        IOException connectionFailure() {
            return connectionFailure;
        }

        /** For example "HTTP 200, 612 bytes, Content-Type text/xml"; "no HTTP answer" before the headers came. */
        String describe() {
            if (!answered()) {
                return "no HTTP answer";
            }
            long read = bytes.get();
            String size = declaredLength >= 0 && declaredLength != read
                    ? read + " of " + declaredLength + " bytes" : read + " bytes";
            return "HTTP " + status + ", " + size + ", Content-Type " + (contentType == null ? "none"
                    : StsErrors.printable(contentType, 100));
        }
    }

    /** The answer broke a bound; never the value, only the rule. */
    static final class AnswerRejected extends IOException {
        private static final long serialVersionUID = 1L;

        AnswerRejected(String message) {
            super(message);
        }
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context,
            ExecutionAttributes executionAttributes) {
        record(context.httpResponse(), executionAttributes.getAttribute(RECEIVED));
        return context.httpResponse();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
            ExecutionAttributes executionAttributes) {
        Received received = executionAttributes.getAttribute(RECEIVED);
        Optional<InputStream> body = context.responseBody();
        if (received == null || body.isEmpty()) {
            return body;
        }
        record(context.httpResponse(), received);
        return Optional.of(new Guarded(body.get(), received));
    }

    private static void record(SdkHttpResponse response, Received received) {
        if (received == null || response == null) {
            return;
        }
        received.status = response.statusCode();
        received.contentType = response.firstMatchingHeader("Content-Type").orElse(null);
        received.declaredLength = response.firstMatchingHeader("Content-Length").map(StsAnswerGuard::length)
                .orElse(-1L);
    }

    private static long length(String header) {
        String h = header.trim();
        if (h.isEmpty() || h.length() > 18 || !h.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(h);
    }

    /** Counts and bounds the body as the SDK reads it; tracks element depth with a few bytes of state. */
    private static final class Guarded extends FilterInputStream {
        private final Received received;
        private int depth;
        private int previous = -1;
        private boolean afterLessThan;

        Guarded(InputStream in, Received received) {
            super(in);
            this.received = received;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (received.rejected != null) {
                throw new AnswerRejected(received.rejected);
            }
            if (received.declaredLength > MAX_BYTES) {
                throw reject("declares " + received.declaredLength + " bytes, more than the " + MAX_BYTES
                        + " bytes an STS answer may have");
            }
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                received.connectionFailure = e;
                throw e;
            }
            if (n > 0) {
                if (received.bytes.addAndGet(n) > MAX_BYTES) {
                    throw reject("is larger than the " + MAX_BYTES + " bytes an STS answer may have");
                }
                scan(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 8192)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }

        private void scan(byte[] b, int off, int n) throws AnswerRejected {
            for (int i = off; i < off + n; i++) {
                int c = b[i];
                if (afterLessThan) {
                    afterLessThan = false;
                    if (c == '/') {
                        depth--;
                    } else if (c != '?' && c != '!' && ++depth > MAX_DEPTH) {
                        throw reject("nests elements deeper than the " + MAX_DEPTH + " levels an STS answer may have");
                    }
                }
                if (c == '<') {
                    afterLessThan = true;
                } else if (c == '>' && previous == '/') {
                    depth--;
                }
                previous = c;
            }
        }

        private AnswerRejected reject(String why) {
            received.rejected = "the answer " + why;
            return new AnswerRejected(received.rejected);
        }
    }
}
