package io.meterbridge.kubernetes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routes and mappings reach the pods as ConfigMaps generated from routes/ and mappings/ themselves. This checks, in the
 * build and without node or kustomize, that the generated kustomizations and the Deployment's volume items
 * (bin/k8s-data) list exactly the files of those folders, and that no demo data is among them. k8s/validate.mjs checks
 * the rendered overlays too.
 */
class KubernetesDataTest {

    static final Path ROOT = Path.of("..");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void eachFolderKustomizationCarriesExactlyItsFiles() throws Exception {
        for (String folder : List.of("routes", "mappings")) {
            JsonNode kustomization = YAML.readTree(ROOT.resolve(folder + "/kustomization.yaml").toFile());
            JsonNode generator = kustomization.path("configMapGenerator").get(0);
            assertThat(generator.path("name").asText()).isEqualTo("meterbridge-" + folder);
            assertThat(generator.path("options").path("disableNameSuffixHash").asBoolean(false))
                    .as("the content hash rolls the pods").isFalse();
            Map<String, String> entries = new LinkedHashMap<>();
            generator.path("files").forEach(f -> {
                String[] keyAndPath = f.asText().split("=", 2);
                entries.put(keyAndPath[0], keyAndPath[1]);
            });
            List<String> files = dataFiles(folder);
            assertThat(entries.values()).as(folder + "/kustomization.yaml is stale: run bin/k8s-data")
                    .containsExactlyElementsOf(files);
            entries.forEach((key, path) -> assertThat(key).isEqualTo(path.replace("/", "__")).matches("[-._a-zA-Z0-9]+"));
        }
    }

    @Test
    void theDeploymentMountsEveryFileAtItsPath() throws Exception {
        JsonNode patch = YAML.readTree(ROOT.resolve("k8s/base/data-volumes.yaml").toFile()).path("spec")
                .path("template").path("spec");
        JsonNode mounts = patch.path("containers").get(0).path("volumeMounts");
        for (String folder : List.of("routes", "mappings")) {
            JsonNode volume = find(patch.path("volumes"), folder);
            assertThat(volume.path("configMap").path("name").asText()).isEqualTo("meterbridge-" + folder);
            List<String> paths = new ArrayList<>();
            volume.path("configMap").path("items").forEach(item -> {
                assertThat(item.path("key").asText()).isEqualTo(item.path("path").asText().replace("/", "__"));
                paths.add(item.path("path").asText());
            });
            assertThat(paths).as("k8s/base/data-volumes.yaml is stale: run bin/k8s-data")
                    .containsExactlyElementsOf(dataFiles(folder));
            JsonNode mount = find(mounts, folder);
            assertThat(mount.path("mountPath").asText()).isEqualTo("/deployments/" + folder);
            assertThat(mount.path("readOnly").asBoolean()).isTrue();
        }
        JsonNode base = YAML.readTree(ROOT.resolve("k8s/base/kustomization.yaml").toFile());
        assertThat(base.path("resources").toString()).contains("../../routes", "../../mappings");
        assertThat(base.path("patches").toString()).contains("data-volumes.yaml");
    }

    @Test
    void prodDataCarriesNoDemoAndTheImageKeepsADefaultSet() throws Exception {
        assertThat(dataFiles("mappings")).noneMatch(f -> f.contains("demo"));
        assertThat(Files.readString(ROOT.resolve("config/prod/sources.yaml"))).doesNotContain("demo-secret");
        String dockerfile = Files.readString(ROOT.resolve("hub/src/main/docker/Dockerfile.jvm"));
        assertThat(dockerfile).contains("COPY --chown=185 routes/ /deployments/routes/")
                .contains("COPY --chown=185 mappings/ /deployments/mappings/");
    }

    private static JsonNode find(JsonNode list, String name) {
        for (JsonNode item : list) {
            if (item.path("name").asText().equals(name)) {
                return item;
            }
        }
        throw new AssertionError("no entry named " + name + " in " + list);
    }

    /** What bin/k8s-data puts in a folder's ConfigMap: its YAML and JSON files but the kustomization, sorted. */
    static List<String> dataFiles(String folder) throws Exception {
        Path dir = ROOT.resolve(folder);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> dir.relativize(f).toString().replace('\\', '/'))
                    .filter(f -> f.endsWith(".yaml") || f.endsWith(".json"))
                    .filter(f -> !f.equals("kustomization.yaml"))
                    .sorted().toList();
        }
    }
}
