package org.memtypelab.lab;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module picture of DESIGN.md, enforced: which arrows are allowed between our modules and which never are. The
 * rules read packages, which follow the modules one to one (core: org.memtypelab.core, protocol:
 * org.memtypelab.protocol, documents: org.memtypelab.documents, node-runtime: org.memtypelab.runtime, the nodes: kvm,
 * qemu, gpu, migration, monitor, the lab modules: org.memtypelab.lab.scenario, .cluster, .run and .sim, .campaign, .report,
 * .junit, .cli).
 */
@AnalyzeClasses(packages = "org.memtypelab", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule layers = layeredArchitecture()
            .consideringOnlyDependenciesInAnyPackage("org.memtypelab..")
            .layer("core")
            .definedBy("org.memtypelab.core..")
            .layer("protocol")
            .definedBy("org.memtypelab.protocol..")
            .layer("documents")
            .definedBy("org.memtypelab.documents..")
            .layer("runtime")
            .definedBy("org.memtypelab.runtime..")
            .layer("nodes")
            .definedBy(
                    "org.memtypelab.kvm..",
                    "org.memtypelab.qemu..",
                    "org.memtypelab.gpu..",
                    "org.memtypelab.migration..",
                    "org.memtypelab.monitor..")
            .layer("scenario")
            .definedBy("org.memtypelab.lab.scenario..")
            .layer("documents")
            .definedBy("org.memtypelab.documents..")
            .layer("cluster")
            .definedBy(
                    "org.memtypelab.lab.cluster..",
                    "org.memtypelab.lab.run..",
                    "org.memtypelab.lab.sim..",
                    "org.memtypelab.lab.network..")
            .layer("campaign")
            .definedBy("org.memtypelab.lab.campaign..", "org.memtypelab.lab.map..", "org.memtypelab.lab.explore..")
            .layer("report")
            .definedBy("org.memtypelab.lab.report..")
            .layer("junit")
            .definedBy("org.memtypelab.lab.junit..")
            .layer("cli")
            .definedBy("org.memtypelab.lab.cli..", "org.memtypelab.lab.bench..")
            .whereLayer("cli")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("junit")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("report")
            .mayOnlyBeAccessedByLayers("cli")
            .whereLayer("campaign")
            .mayOnlyBeAccessedByLayers("cli")
            .whereLayer("cluster")
            .mayOnlyBeAccessedByLayers("campaign", "junit", "cli")
            .whereLayer("scenario")
            .mayOnlyBeAccessedByLayers("cluster", "campaign", "junit", "cli")
            .whereLayer("nodes")
            .mayOnlyBeAccessedByLayers("cluster")
            .whereLayer("runtime")
            .mayOnlyBeAccessedByLayers("nodes", "cluster", "campaign", "cli")
            .whereLayer("documents")
            .mayOnlyBeAccessedByLayers("runtime", "nodes", "cluster", "campaign", "report", "junit", "cli")
            .whereLayer("documents")
            .mayOnlyAccessLayers("protocol")
            .whereLayer("protocol")
            .mayNotAccessAnyLayer()
            .ignoreDependency(
                    com.tngtech.archunit.base.DescribedPredicate.alwaysTrue(),
                    com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("org.memtypelab.core.."))
            .because(
                    "DESIGN.md: core <- protocol <- documents <- node-runtime <- nodes <- lab; the lab's seams build on"
                            + " each other");

    @ArchTest
    static final ArchRule coreImportsNothingOfOursNorAnyFramework = noClasses()
            .that()
            .resideInAPackage("org.memtypelab.core..")
            .should()
            .dependOnClassesThat()
            .resideOutsideOfPackages("org.memtypelab.core..", "java..")
            .because("core is the model: plain Java, no Pekko, no Jackson, nothing of ours (DESIGN.md)");

    @ArchTest
    static final ArchRule aNodeNeverImportsAnotherNode = slices().matching(
                    "org.memtypelab.(kvm|qemu|gpu|migration|monitor)..")
            .should()
            .notDependOnEachOther()
            .because("nodes talk through protocol messages only (DESIGN.md)");

    @ArchTest
    static final ArchRule protocolHasNoRuntime = noClasses()
            .that()
            .resideInAPackage("org.memtypelab.protocol..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.apache.pekko.actor.typed.javadsl..",
                    "org.apache.pekko.cluster..",
                    "java.io..",
                    "java.nio..",
                    "java.util.concurrent..")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("org.apache.pekko.actor.typed.Scheduler")
            .because("protocol holds message records, service keys and serialization config, nothing that runs");

    @ArchTest
    static final ArchRule deliveryStateMachinesArePure = noClasses()
            .that()
            .resideInAPackage("org.memtypelab.runtime.delivery..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.apache.pekko..", "scala..", "java.io..", "java.nio..", "java.util.concurrent..")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.time.Clock")
            .orShould()
            .callMethod(System.class, "currentTimeMillis")
            .orShould()
            .callMethod(System.class, "nanoTime")
            .because("the simulator runs the same delivery logic without Pekko: time and timers are inputs (durations"
                    + " as data are fine, reading a clock is not)");

    @ArchTest
    static final ArchRule documentsAreDataNotRuntime = noClasses()
            .that()
            .resideInAPackage("org.memtypelab.documents..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.apache.pekko..", "scala..")
            .because("documents are what a run leaves on disk: records and their files, read without a cluster");

    @ArchTest
    static final ArchRule reportsImportNoPekko = noClasses()
            .that()
            .resideInAPackage("org.memtypelab.lab.report..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.apache.pekko..", "scala..")
            .because("a report is made from a run's documents alone");
}
