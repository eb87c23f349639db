package io.meterbridge.sandbox;

import java.util.ArrayList;
import java.util.List;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.stripeKey;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Like Stripe, an invoice embeds only its first 10 lines ({@code lines.has_more}); {@code GET /v1/invoices/{id}/lines}
 * pages through all of them with limit and starting_after, in invoice order.
 */
@QuarkusTest
class InvoiceLinesPagingTest {

    @Test
    void anInvoiceOf12LinesEmbedsTenAndPagesThroughAll() {
        String key = stripeKey();
        String customer = unique("cus_lines");
        String invoice = stripe(key).formParam("customer", customer).formParam("currency", "usd")
                .post("/v1/invoices").then().statusCode(200).extract().path("id");
        for (int i = 1; i <= 12; i++) {
            stripe(key).formParam("customer", customer).formParam("invoice", invoice).formParam("amount", 100 * i)
                    .formParam("currency", "usd").formParam("description", "line " + i).post("/v1/invoiceitems").then()
                    .statusCode(200);
        }
        JsonPath finalized = stripe(key).post("/v1/invoices/" + invoice + "/finalize").then().statusCode(200).extract()
                .jsonPath();
        assertThat(finalized.getList("lines.data")).hasSize(10);
        assertThat(finalized.getBoolean("lines.has_more")).isTrue();
        assertThat(finalized.getLong("total")).as("the total counts every line").isEqualTo(7800);
        JsonPath got = stripe(key).get("/v1/invoices/" + invoice).then().statusCode(200).extract().jsonPath();
        assertThat(got.getList("lines.data")).hasSize(10);

        List<String> descriptions = new ArrayList<>();
        String after = null;
        int pages = 0;
        boolean more = true;
        while (more) {
            var request = stripe(key).queryParam("limit", 5);
            if (after != null) {
                request.queryParam("starting_after", after);
            }
            JsonPath page = request.get("/v1/invoices/" + invoice + "/lines").then().statusCode(200).extract().jsonPath();
            List<String> ids = page.getList("data.id");
            descriptions.addAll(page.getList("data.description"));
            after = ids.get(ids.size() - 1);
            more = page.getBoolean("has_more");
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(descriptions).hasSize(12).startsWith("line 1", "line 2").endsWith("line 11", "line 12");
    }
}
