package io.getport.ocean.aws.credentials.testkit.moto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Rewrites moto's query-protocol error body {@code <ErrorResponse><Errors><Error>...</Error></Errors></ErrorResponse>}
 * into the shape AWS sends, {@code <ErrorResponse><Error>...</Error></ErrorResponse>}. The AWS SDK for Java v2 finds
 * no error code in moto's shape (botocore accepts both), so without this {@code awsErrorDetails().errorCode()} is null
 * for moto's {@code AccessDenied}, {@code InvalidClientTokenId} and {@code SignatureDoesNotMatch} from STS and IAM.
 */
final class MotoErrorFormatFix implements ExecutionInterceptor {

    static final MotoErrorFormatFix INSTANCE = new MotoErrorFormatFix();

    private static final String MOTO_OPEN = "<ErrorResponse><Errors><Error>";
    private static final String MOTO_CLOSE = "</Error></Errors></ErrorResponse>";

    private MotoErrorFormatFix() {
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                           ExecutionAttributes executionAttributes) {
        Optional<InputStream> body = context.responseBody();
        if (context.httpResponse().isSuccessful() || body.isEmpty()) {
            return body;
        }
        try (InputStream in = body.get()) {
            String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (xml.contains(MOTO_OPEN)) {
                xml = xml.replace(MOTO_OPEN, "<ErrorResponse><Error>").replace(MOTO_CLOSE, "</Error></ErrorResponse>");
            }
            return Optional.of(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read moto's error response", e);
        }
    }

    @Override
    public String toString() {
        return "MotoErrorFormatFix";
    }
}
