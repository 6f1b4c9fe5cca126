package io.getport.ocean.aws.credentials.security;

import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import java.io.UncheckedIOException;

/**
 * Provisions the seed architecture, trying again when moto's reset times out: after a test class that filled moto
 * with many accounts, {@code POST /moto-api/reset} can take longer than the test kit's request timeout while moto
 * keeps working on it.
 */
final class MotoSeeds {
    private static final int ATTEMPTS = 3;

    private MotoSeeds() {
    }

    static SeedArchitecture provision(MotoServer moto) {
        UncheckedIOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return SeedArchitecture.provision(moto);
            } catch (UncheckedIOException e) {
                last = e;
            }
        }
        throw last;
    }
}
