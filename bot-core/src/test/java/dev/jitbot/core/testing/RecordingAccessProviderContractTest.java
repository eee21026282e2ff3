package dev.jitbot.core.testing;

import dev.jitbot.core.app.AccessProvider;

class RecordingAccessProviderContractTest extends AccessProviderContract {

    private final RecordingAccessProvider provider = new RecordingAccessProvider();

    @Override
    protected AccessProvider provider() {
        return provider;
    }
}
