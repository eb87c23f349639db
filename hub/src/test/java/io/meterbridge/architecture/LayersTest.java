package io.meterbridge.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import java.util.List;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;

/**
 * Imports run only down the layers (docs/architecture.md, section Layers): each stage package may use the ones below
 * it, never one above. Inline fully-qualified names count too: ArchUnit reads the compiled classes, not the imports.
 */
@AnalyzeClasses(packages = "io.meterbridge", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {

    /** Bottom to top. masterdata sits above ingest (it registers the sources ingest checks), below its users. */
    static final List<String> LAYERS = List.of("platform", "ingest", "masterdata", "metering", "rating", "billing",
            "erp", "crm", "notifications", "api", "monitoring");

    @ArchTest
    static final ArchRule importsRunDownTheLayers = layers();

    /** The hub's own packages; the sandboxes, engines, test support and producer library are modules of their own. */
    @ArchTest
    static final ArchRule everyHubPackageIsInALayer = com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes()
            .that().resideInAPackage("io.meterbridge..")
            .and(DescribedPredicate.not(resideInAPackage("io.meterbridge.sandbox..")))
            .and(DescribedPredicate.not(resideInAPackage("io.meterbridge.support..")))
            .and(DescribedPredicate.not(resideInAPackage("io.meterbridge.embedded..")))
            .and(DescribedPredicate.not(resideInAPackage("io.meterbridge.producer..")))
            .should().resideInAnyPackage(LAYERS.stream().map(l -> "io.meterbridge." + l + "..").toArray(String[]::new))
            .because("a new package must be placed in the layers (LAYERS and docs/architecture.md)");

    static LayeredArchitecture layers() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String layer : LAYERS) {
            layers = layers.layer(layer).definedBy("io.meterbridge." + layer + "..");
        }
        for (int i = 0; i < LAYERS.size(); i++) {
            List<String> above = LAYERS.subList(i + 1, LAYERS.size());
            layers = above.isEmpty() ? layers.whereLayer(LAYERS.get(i)).mayNotBeAccessedByAnyLayer()
                    : layers.whereLayer(LAYERS.get(i)).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
        }
        return layers;
    }
}
