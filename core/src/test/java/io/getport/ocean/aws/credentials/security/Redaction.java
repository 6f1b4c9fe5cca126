package io.getport.ocean.aws.credentials.security;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Text of objects and failures as a log or a caller would see them. */
final class Redaction {
    private Redaction() {
    }

    /** A throwable's full printed form: class, message, stack, causes and suppressed exceptions. */
    static String fullText(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString() + "\n" + t;
    }
}
