package io.meterbridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Bracket-notation forms to nested JSON and back. */
class FormCodecTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void decodesObjectsArraysAndAppends() throws Exception {
        JsonNode decoded = FormCodec.decode("customer=cus_1&lines[0][amount]=100&lines[1][amount]=-5"
                + "&lines[1][description]=a%20b&payload[value]=25&expand[]=lines&expand[]=customer"
                + "&charges[amount][0]=100&charges[description][0]=x");
        assertThat(decoded).isEqualTo(mapper.readTree("""
                {"customer":"cus_1","lines":[{"amount":"100"},{"amount":"-5","description":"a b"}],
                 "payload":{"value":"25"},"expand":["lines","customer"],
                 "charges":{"amount":["100"],"description":["x"]}}"""));
    }

    @Test
    void encodeThenDecodeGivesTheSameTree() throws Exception {
        JsonNode tree = mapper.readTree("""
                {"a":"1","b":{"c":"x y","d":["p","q&r"]},"lines":[{"amount":"3"}]}""");
        assertThat(FormCodec.decode(FormCodec.encode(tree))).isEqualTo(tree);
    }

    @Test
    void emptyFormIsAnEmptyObject() {
        assertThat(FormCodec.decode(null).isEmpty()).isTrue();
        assertThat(FormCodec.decode("").isEmpty()).isTrue();
    }
}
