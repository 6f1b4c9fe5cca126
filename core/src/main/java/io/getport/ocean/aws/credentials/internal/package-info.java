/**
 * Implementation: settings, the refresh state machine ({@link io.getport.ocean.aws.credentials.internal.AccountCredentials}),
 * the protected STS gateway, identity resolution and logging events. Not an API: it may change in any release.
 */
package io.getport.ocean.aws.credentials.internal;
