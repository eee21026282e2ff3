package dev.jitbot.core.azure;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.testing.AccessProviderContract;

class DryRunAccessProviderContractTest extends AccessProviderContract {

    private final DryRunAccessProvider provider = new DryRunAccessProvider(line -> { });

    @Override
    protected AccessProvider provider() {
        return provider;
    }
}
