package io.meterbridge.billing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ids derived from contract keys cannot collide: a key in the id alphabet stays as it is (old rows keep their ids),
 * any other key is replaced and hashed, and a long key is shortened with its hash; the same key always gives the
 * same id.
 */
class DeliveryIdsTest {

    @Test
    void keysThatOnlyDifferInACharacterOutsideTheAlphabetGetDifferentIds() {
        assertThat(DeliveryIds.safe("acme_eu")).isEqualTo("acme_eu");
        assertThat(DeliveryIds.safe("acme.eu")).startsWith("acme_eu-").hasSize("acme_eu-".length() + 10)
                .isNotEqualTo(DeliveryIds.safe("acme_eu")).isNotEqualTo(DeliveryIds.safe("acme:eu"));
        assertThat(DeliveryIds.safe("acme.eu")).isEqualTo(DeliveryIds.safe("acme.eu")).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void aLongKeyIsShortenedDeterministicallyAndStillDiffers() {
        String base = "contract-" + "x".repeat(80);
        String a = DeliveryIds.safe(base + "a");
        String b = DeliveryIds.safe(base + "b");
        assertThat(a).hasSize(DeliveryIds.MAX_PART).isNotEqualTo(b).isEqualTo(DeliveryIds.safe(base + "a"));
        assertThat(DeliveryIds.safe("x".repeat(64))).isEqualTo("x".repeat(64));
    }

    @Test
    void aSegmentNeverContainsTheSeparator() {
        assertThat(DeliveryIds.segment("api_requests")).isEqualTo("api_requests");
        assertThat(DeliveryIds.segment("b-c")).doesNotContain("-").isNotEqualTo(DeliveryIds.segment("b_c"));
        // contract "a-b" with metric "c" and contract "a" with metric "b-c" no longer share a usage identifier.
        assertThat("mb-" + DeliveryIds.safe("a-b") + "-" + DeliveryIds.segment("c") + "-")
                .isNotEqualTo("mb-" + DeliveryIds.safe("a") + "-" + DeliveryIds.segment("b-c") + "-");
    }
}
