package io.meterbridge.sandbox.chargebee;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.sandbox.SandboxConfig;
import io.meterbridge.sandbox.SandboxPipeline;
import io.meterbridge.sandbox.SpecValidator;
import jakarta.inject.Singleton;

/** The Chargebee sandbox's singletons: pipeline, state, and the validators of our own contract file. */
@Singleton
public class ChargebeeSandbox {

    static final String CONTRACT = "sandbox/specs/chargebee-v2-sandbox-contract.json";

    private final SandboxPipeline pipeline;
    private final ChargebeeState state = new ChargebeeState();
    private final SpecValidator createUsage;
    private final SpecValidator createInvoiceForCharges;

    public ChargebeeSandbox(SandboxConfig config, ObjectMapper mapper) {
        this.pipeline = new SandboxPipeline(new ChargebeeDialect(config.chargebee()), config);
        JsonNode contract = SpecValidator.resource(mapper, CONTRACT);
        this.createUsage = SpecValidator.of(contract.get("create_usage"));
        this.createInvoiceForCharges = SpecValidator.of(contract.get("create_invoice_for_charges"));
    }

    public SandboxPipeline pipeline() {
        return pipeline;
    }

    ChargebeeState state() {
        return state;
    }

    SpecValidator createUsage() {
        return createUsage;
    }

    SpecValidator createInvoiceForCharges() {
        return createInvoiceForCharges;
    }
}
