package io.getport.ocean.aws.credentials.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.internal.Partitions;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.endpoints.StsEndpointParams;
import software.amazon.awssdk.services.sts.endpoints.StsEndpointProvider;

/** Role ARNs, policy ARNs and STS endpoints per partition ({@code aws}, {@code aws-cn}, {@code aws-us-gov}). */
class PartitionsTest {

    @ParameterizedTest
    @CsvSource({
            "us-east-1,aws", "us-west-2,aws", "eu-central-1,aws", "ap-southeast-5,aws", "mx-central-1,aws",
            "aws-global,aws",
            "cn-north-1,aws-cn", "cn-northwest-1,aws-cn", "aws-cn-global,aws-cn",
            "us-gov-west-1,aws-us-gov", "us-gov-east-1,aws-us-gov", "aws-us-gov-global,aws-us-gov",
            "us-iso-east-1,aws-iso", "us-isob-east-1,aws-iso-b"})
    void partitionOf_region_isItsPartition(String region, String partition) {
        assertThat(Partitions.partitionOf(Region.of(region))).isEqualTo(partition);
    }

    @ParameterizedTest
    @CsvSource({
            "aws,/,arn:aws:iam::111122223333:role/PortOceanReadRole",
            "aws-cn,/,arn:aws-cn:iam::111122223333:role/PortOceanReadRole",
            "aws-us-gov,/,arn:aws-us-gov:iam::111122223333:role/PortOceanReadRole",
            "aws-us-gov,/port/ocean/,arn:aws-us-gov:iam::111122223333:role/port/ocean/PortOceanReadRole"})
    void roleArn_partitionAndPath_formsTheIamArn(String partition, String path, String expected) {
        assertThat(Partitions.roleArn(partition, "111122223333", path, "PortOceanReadRole")).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "aws,arn:aws:iam::aws:policy/ReadOnlyAccess",
            "aws-cn,arn:aws-cn:iam::aws:policy/ReadOnlyAccess",
            "aws-us-gov,arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"})
    void managedPolicyArn_partition_isTheAwsManagedPolicyThere(String partition, String expected) {
        assertThat(Partitions.managedPolicyArn(partition, "ReadOnlyAccess")).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "us-east-1,arn:aws:iam::111122223333:role/PortOceanReadRole,https://sts.us-east-1.amazonaws.com",
            "cn-north-1,arn:aws-cn:iam::111122223333:role/PortOceanReadRole,https://sts.cn-north-1.amazonaws.com.cn",
            "us-gov-west-1,arn:aws-us-gov:iam::111122223333:role/PortOceanReadRole,"
                    + "https://sts.us-gov-west-1.amazonaws.com"})
    void brokerRoleArn_stsRegionFromEnvironment_selectsPartitionAndRegionalEndpoint(String region, String expected,
            String endpoint) {
        try (ReadRoleBroker broker = ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of("OCEAN_AWS_STS_REGION", region), Map.of()))
                .identity(i -> i.baseCredentials(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x"))))
                .build()) {
            assertThat(broker.roleArn("111122223333")).isEqualTo(expected);
            assertThat(broker.forAccount("111122223333").roleArn()).isEqualTo(expected);
            assertThat(broker.identity().region().id()).isEqualTo(region);
            assertThat(broker.stsEndpoint()).hasToString(endpoint);
        }
    }

    /**
     * The broker builds its STS client with the region only (no global-endpoint flag, no FIPS): the SDK then resolves
     * the regional endpoint in every partition, us-east-1 included. FIPS endpoints are what the endpoint override
     * ({@code OCEAN_AWS_STS_ENDPOINT}) is documented to take.
     */
    @ParameterizedTest
    @CsvSource({
            "us-east-1,false,https://sts.us-east-1.amazonaws.com",
            "eu-west-1,false,https://sts.eu-west-1.amazonaws.com",
            "cn-north-1,false,https://sts.cn-north-1.amazonaws.com.cn",
            "cn-northwest-1,false,https://sts.cn-northwest-1.amazonaws.com.cn",
            "us-gov-west-1,false,https://sts.us-gov-west-1.amazonaws.com",
            "us-east-1,true,https://sts-fips.us-east-1.amazonaws.com",
            "us-gov-west-1,true,https://sts.us-gov-west-1.amazonaws.com"})
    @SuppressWarnings("deprecation") // Endpoint.url(), present in every SDK of the supported range
    void stsEndpoint_region_isRegional(String region, boolean fips, String expected) throws Exception {
        StsEndpointParams params = StsEndpointParams.builder().region(Region.of(region)).useFips(fips).build();
        URI endpoint = StsEndpointProvider.defaultProvider().resolveEndpoint(params).get().url();
        assertThat(endpoint).hasToString(expected);
    }
}
