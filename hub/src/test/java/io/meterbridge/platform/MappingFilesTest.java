package io.meterbridge.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.meterbridge.platform.MappingFiles.Kind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every YAML data file (mappings/, config/prod/sources.yaml, the demo data in devrun/demo) matches its JSON Schema in
 * mappings/_schemas; a misspelt or unknown key is an error that names the file, the line and the key.
 */
class MappingFilesTest {

    static final Path ROOT = Path.of("..");
    static final Path SCHEMAS = ROOT.resolve("mappings/_schemas");

    @Test
    void everyDataFileMatchesItsSchema() {
        List<Path> checked = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path dir : List.of(ROOT.resolve("mappings"), ROOT.resolve("devrun/demo"))) {
            check(MappingFiles.yamlFiles(dir.resolve("master-data")), Kind.MASTER_DATA, checked, problems);
            check(MappingFiles.yamlFiles(dir.resolve("sources")), Kind.SOURCES, checked, problems);
            check(MappingFiles.yamlFiles(dir.resolve("price-books")), Kind.PRICE_BOOKS, checked, problems);
            check(MappingFiles.yamlFiles(dir.resolve("accounting")), Kind.ACCOUNTING, checked, problems);
        }
        check(List.of(ROOT.resolve("config/prod/sources.yaml")), Kind.SOURCES, checked, problems);
        assertThat(problems).isEmpty();
        assertThat(checked).extracting(p -> ROOT.relativize(p).toString().replace('\\', '/')).contains(
                "mappings/master-data/metrics.yaml", "mappings/price-books/currencies.yaml",
                "mappings/accounting/policies.yaml", "config/prod/sources.yaml", "devrun/demo/master-data/demo.yaml",
                "devrun/demo/sources/demo.yaml", "devrun/demo/price-books/demo-2026.yaml");
    }

    @Test
    void noDataFileOfMappingsIsLeftUnchecked() throws Exception {
        try (var files = Files.walk(ROOT.resolve("mappings"))) {
            List<String> unchecked = files.filter(f -> f.toString().endsWith(".yaml"))
                    .map(f -> ROOT.resolve("mappings").relativize(f).toString().replace('\\', '/'))
                    .filter(f -> !f.matches("(master-data|sources|price-books|accounting)/[^/]+\\.yaml"))
                    .filter(f -> !f.equals("kustomization.yaml"))
                    .toList();
            assertThat(unchecked).as("YAML under mappings/ with no schema").isEmpty();
        }
    }

    @Test
    void aMisspeltKeyNamesFileLineAndKey() throws Exception {
        Path file = Files.createTempFile("master-data", ".yaml");
        Files.writeString(file, """
                customers:
                  - tenant: acme
                    billingSystem: stripe
                    billingAccountId: cus_1
                    currency: USD
                    validFrom: 2026-01-01T00:00:00Z
                contracts:
                  - contractKey: acme-2026
                    billingSystem: stripe
                    billingAccountId: cus_1
                    validFom: 2026-01-01T00:00:00Z
                    metrics:
                      - {metric: api_requests, unit: request, priceVersion: p1, comittedQuantity: 10}
                """);
        List<String> problems = MappingFiles.check(file, Kind.MASTER_DATA, SCHEMAS);
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(file + ":11: ")
                .contains("$.contracts[0].validFom").contains("unknown key 'validFom'"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(file + ":13: ")
                .contains("unknown key 'comittedQuantity'"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(file + ":8: ").contains("validFrom"));
        assertThatThrownBy(() -> MappingFiles.read(file, Kind.MASTER_DATA, SCHEMAS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validFom")
                .hasMessageContaining(file.toString());
    }

    @Test
    void aWrongValueNamesItsLine() throws Exception {
        Path file = Files.createTempFile("price-book", ".yaml");
        Files.writeString(file, """
                currencies:
                  - {currency: USD, scale: 2, rounding: HALF_UP}
                  - {currency: usd, scale: 2, rounding: HALF_SIDEWAYS}
                """);
        List<String> problems = MappingFiles.check(file, Kind.PRICE_BOOKS, SCHEMAS);
        assertThat(problems).hasSize(2).allSatisfy(p -> assertThat(p).startsWith(file + ":3: "));
        assertThat(String.join("\n", problems)).contains("$.currencies[1].currency").contains("$.currencies[1].rounding");
    }

    private static void check(List<Path> files, Kind kind, List<Path> checked, List<String> problems) {
        for (Path file : files) {
            checked.add(file);
            problems.addAll(MappingFiles.check(file, kind, SCHEMAS));
        }
    }
}
