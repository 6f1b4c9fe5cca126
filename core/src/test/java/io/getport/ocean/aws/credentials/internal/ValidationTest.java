package io.getport.ocean.aws.credentials.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.regions.Region;

class ValidationTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "12345678901", "1234567890123", " 123456789012", "123456789012 ", "+12345678901",
            "-12345678901", "12345678901a", "1234 5678 9012", "１２３４５６７８９０１２"})
    void accountId_notExactly12AsciiDigits_isRejectedWithSettingRuleAndValue(String bad) {
        assertThatThrownBy(() -> Validation.accountId("accountId", bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("accountId must be exactly 12 digits (an AWS account ID), with no spaces or signs (was '"
                        + bad + "')");
    }

    @ParameterizedTest
    @ValueSource(strings = {"123456789012", "000000000000"})
    void accountId_12Digits_isAccepted(String good) {
        assertThat(Validation.accountId("accountId", good)).isEqualTo(good);
    }

    @ParameterizedTest
    @CsvSource({
            "us-east-1,arn:aws:iam::111122223333:role/PortOceanReadRole",
            "eu-central-1,arn:aws:iam::111122223333:role/PortOceanReadRole",
            "cn-north-1,arn:aws-cn:iam::111122223333:role/PortOceanReadRole",
            "cn-northwest-1,arn:aws-cn:iam::111122223333:role/PortOceanReadRole",
            "us-gov-west-1,arn:aws-us-gov:iam::111122223333:role/PortOceanReadRole",
            "us-gov-east-1,arn:aws-us-gov:iam::111122223333:role/PortOceanReadRole"})
    void roleArn_perRegion_usesThePartition(String region, String expected) {
        String partition = Partitions.partitionOf(Region.of(region));
        assertThat(Partitions.roleArn(partition, "111122223333", "/", "PortOceanReadRole")).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"us-east-1,arn:aws:iam::aws:policy/ReadOnlyAccess",
            "cn-north-1,arn:aws-cn:iam::aws:policy/ReadOnlyAccess",
            "us-gov-west-1,arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"})
    void managedPolicyArn_perRegion_usesThePartition(String region, String expected) {
        assertThat(Partitions.managedPolicyArn(Partitions.partitionOf(Region.of(region)), "ReadOnlyAccess"))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 899, 43_201, 86_400})
    void sessionDuration_outside900To43200_isRejected(int seconds) {
        assertThatThrownBy(() -> Validation.sessionDuration("sessionDuration", java.time.Duration.ofSeconds(seconds)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sessionDuration must be whole seconds between 900 s (15 min) and 43200 s (12 h) (was '"
                        + seconds + " s')");
    }
}
