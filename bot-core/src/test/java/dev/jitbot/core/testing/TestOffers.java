package dev.jitbot.core.testing;

import dev.jitbot.core.app.AccessService.BundleOffer;
import dev.jitbot.core.app.AccessService.Offer;
import java.time.Duration;
import java.util.List;

/** What a request form offers one person in the form tests: three rules (one a pattern, one with a ticket) and a bundle. */
public final class TestOffers {

    public static final List<Offer> OFFERS = List.of(
            new Offer("operate payments", "Contributor", List.of("rg-payments"), Duration.ofHours(2), 1, null, List.of()),
            new Offer("own the subscription", "Owner", List.of("sub-prod"), Duration.ofMinutes(30), 2, "INC-\\d+",
                    List.of("deploy-pipeline")),
            new Offer("read production", "Reader", List.of("/subscriptions/s/resourceGroups/*"), Duration.ofHours(8), 0,
                    null, List.of()));
    public static final List<BundleOffer> BUNDLES = List.of(new BundleOffer("incident-payments",
            List.of("Contributor on rg-payments", "Reader on sub-prod"), Duration.ofHours(2), 1));

    private TestOffers() {
    }
}
