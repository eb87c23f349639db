package io.meterbridge.masterdata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.meterbridge.masterdata.MasterDataVersions.ContractVersion;
import io.meterbridge.masterdata.MasterDataVersions.CustomerVersion;
import io.meterbridge.masterdata.MasterDataVersions.MetricVersion;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.meterbridge.platform.HubConfig;
import io.meterbridge.platform.MappingFiles;
import org.jboss.logging.Logger;

/**
 * Loads master data files ({@code hub.master-data.files}: YAML with {@code metrics}, {@code customers} and
 * {@code contracts} lists) at start-up through the same service as the admin API, so a file change is audited
 * like any other ("file:&lt;path&gt;" as the author) and an unchanged file changes nothing.
 */
@ApplicationScoped
public class MasterDataFileLoader {

    private static final Logger LOG = Logger.getLogger(MasterDataFileLoader.class);
    private static final ObjectMapper YAML = YAMLMapper.builder().addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final MasterDataService service;
    private final List<String> files;
    private final Path schemas;

    public MasterDataFileLoader(MasterDataService service, HubConfig config) {
        this.service = service;
        this.files = config.masterData().files().orElse(List.of());
        this.schemas = Path.of(config.mappingsDir(), "_schemas");
    }

    void load(@Observes @Priority(3) StartupEvent startup) {
        int changes = 0;
        for (String file : files) {
            JsonNode document = MappingFiles.read(Path.of(file), MappingFiles.Kind.MASTER_DATA, schemas);
            String author = "file:" + file;
            try {
                for (JsonNode metric : document.path("metrics")) {
                    changes += service.putMetric(YAML.treeToValue(metric, MetricVersion.class), author) ? 1 : 0;
                }
                for (JsonNode customer : document.path("customers")) {
                    changes += service.putCustomer(YAML.treeToValue(customer, CustomerVersion.class), author) ? 1 : 0;
                }
                for (JsonNode contract : document.path("contracts")) {
                    changes += service.putContract(YAML.treeToValue(contract, ContractVersion.class), author) ? 1 : 0;
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException(file + ": " + e.getMessage(), e);
            }
        }
        LOG.infof("Master data files %s loaded: %d changes", files, changes);
    }
}
