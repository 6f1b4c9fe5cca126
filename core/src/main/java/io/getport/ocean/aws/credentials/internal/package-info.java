/**
 * Implementation: settings, the refresh state machine ({@link io.getport.ocean.aws.credentials.internal.AccountCredentials}),
 * the protected STS gateway, identity resolution and logging events. Not an API: it may change in any release.
 *
 * <p>Written by hand because no library does it: {@link io.getport.ocean.aws.credentials.internal.StsAnswerGuard}, an
 * SDK execution interceptor that bounds STS's answers (size, XML depth) and records what arrived, since the SDK has no
 * limit on a service answer and its parse errors do not say what was received.
 */
package io.getport.ocean.aws.credentials.internal;
