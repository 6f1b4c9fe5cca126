package io.getport.ocean.aws.credentials.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.internal.WriteGuard;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the write guard classifies operation names, and how its allowlist matches. */
class WriteGuardTest {
    private static final WriteGuard NO_ALLOW = new WriteGuard("222222222222",
            "arn:aws:iam::222222222222:role/PortOceanReadRole", Set.of());

    @ParameterizedTest
    @ValueSource(strings = {"GetObject", "ListBuckets", "ListObjectsV2", "DescribeInstances", "HeadBucket",
            "HeadObject", "BatchGetItem", "BatchDescribeSomething", "SearchResources", "LookupEvents", "Query", "Scan",
            "SelectObjectContent", "FilterLogEvents", "SimulatePrincipalPolicy", "GetCallerIdentity",
            "DescribeDBInstances", "Get2Things"})
    void isReadName_readOperation_isRead(String operation) {
        assertThat(WriteGuard.isReadName(operation)).isTrue();
        assertThat(NO_ALLOW.allows("Any", operation)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CreateBucket", "PutObject", "DeleteBucket", "RunInstances", "TerminateInstances",
            "UpdateItem", "PutItem", "AssumeRole", "ModifyInstanceAttribute", "AttachRolePolicy", "SendMessage",
            "ReceiveMessage", "StartQueryExecution", "ExecuteStatement", "Getaway", "Listen", "Selection", "Scanner",
            "Headquarters", "Queryable", "Describes", "getObject", "", "BatchWriteItem", "CopyObject", "Invoke"})
    void isReadName_notRead_isRefused(String operation) {
        assertThat(WriteGuard.isReadName(operation)).isFalse();
        assertThat(NO_ALLOW.allows("S3", operation)).isFalse();
    }

    @Test
    void allows_nullOperation_isRefused() {
        assertThat(NO_ALLOW.allows("S3", null)).isFalse();
        assertThat(WriteGuard.isReadName(null)).isFalse();
    }

    @Test
    void allows_serviceQualifiedEntry_onlyThatServiceIgnoringCase() {
        WriteGuard guard = new WriteGuard("222222222222", "arn:aws:iam::222222222222:role/PortOceanReadRole",
                Set.of("S3:CreateBucket"));
        assertThat(guard.allows("S3", "CreateBucket")).isTrue();
        assertThat(guard.allows("s3", "createbucket")).isTrue();
        assertThat(guard.allows("EC2", "CreateBucket")).isFalse();
        assertThat(guard.allows(null, "CreateBucket")).isFalse();
        assertThat(guard.allows("S3", "DeleteBucket")).isFalse();
    }

    @Test
    void allows_bareOperationEntry_anyService() {
        WriteGuard guard = new WriteGuard("222222222222", "arn:aws:iam::222222222222:role/PortOceanReadRole",
                Set.of("ExecuteStatement", "ec2:RunInstances"));
        assertThat(guard.allows("DynamoDB", "ExecuteStatement")).isTrue();
        assertThat(guard.allows("RDS Data", "ExecuteStatement")).isTrue();
        assertThat(guard.allows("EC2", "RunInstances")).isTrue();
        assertThat(guard.allows("EC2", "TerminateInstances")).isFalse();
    }

    @Test
    void toString_namesAccountAndEntryCount() {
        WriteGuard guard = new WriteGuard("222222222222", "arn:aws:iam::222222222222:role/PortOceanReadRole",
                Set.of("S3:CreateBucket", "PutObject"));
        assertThat(guard).hasToString("WriteGuard(account=222222222222, allow=2 entries)");
    }
}
