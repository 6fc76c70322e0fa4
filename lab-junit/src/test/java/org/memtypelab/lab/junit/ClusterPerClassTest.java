package org.memtypelab.lab.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The life of a class's cluster, seen from outside the class: JUnit runs a test class here and this test looks at what
 * it left behind - one cluster for all its tests (nested classes too), closed after the class, its run directories
 * gone after a green class and kept after a red one.
 */
class ClusterPerClassTest {

    /** Set only for the classes run from here; elsewhere (surefire finds them too) they are skipped. */
    static final String FIXTURES = "memtype-lab.junit.fixtures";

    static final List<ActorSystem<?>> conductors = new CopyOnWriteArrayList<>();
    static final List<Path> runDirs = new CopyOnWriteArrayList<>();

    @Test
    void aClassFormsOneClusterForAllItsTestsAndClosesItAfterwards() throws Exception {
        TestExecutionSummary summary = execute(ThreeTests.class);

        assertThat(summary.getTestsSucceededCount()).as(failures(summary)).isEqualTo(3);
        assertThat(conductors).hasSize(3);
        assertThat(conductors).allSatisfy(c -> assertThat(c).isSameAs(conductors.get(0)));
        // closed after the class: the conductor's ActorSystem has terminated (bounded: a leak fails, not hangs)
        conductors.get(0).getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(runDirs).hasSize(3).allSatisfy(d -> assertThat(d).isEqualTo(runDirs.get(0)));
        assertThat(runDirs.get(0)).doesNotExist();
    }

    @Test
    void aFailedClassKeepsItsRunsForALook() throws Exception {
        TestExecutionSummary summary = execute(OneFailingTest.class);

        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        assertThat(runDirs).hasSize(1);
        Path runs = runDirs.get(0);
        try {
            assertThat(runs).isDirectory();
            assertThat(runs.resolve("001-thread-option-2-honor-guest-pat/result.json"))
                    .isNotEmptyFile();
            conductors.get(0).getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            if (Files.exists(runs)) {
                try (Stream<Path> files = Files.walk(runs)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    private static TestExecutionSummary execute(Class<?> testClass) {
        conductors.clear();
        runDirs.clear();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(testClass))
                .configurationParameter(FIXTURES, "true")
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }

    private static String failures(TestExecutionSummary summary) {
        return summary.getFailures().stream()
                .map(f -> f.getTestIdentifier().getDisplayName() + ": " + f.getException())
                .toList()
                .toString();
    }

    static void seen(LabRunner lab) {
        conductors.add(lab.cluster().conductor());
        runDirs.add(lab.runs());
    }

    /** Runs a fixture class only when {@link #execute} asks for it. */
    static final class OnlyFromExecute implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(FIXTURES).isPresent()
                    ? ConditionEvaluationResult.enabled("run by ClusterPerClassTest")
                    : ConditionEvaluationResult.disabled("a fixture of ClusterPerClassTest");
        }
    }

    /** Registered as a field, the other way to use the extension. */
    @ExtendWith(OnlyFromExecute.class)
    static class ThreeTests {
        @RegisterExtension
        static MemtypeLabExtension cluster = MemtypeLabExtension.embedded();

        @Test
        void first(LabRunner lab) {
            seen(lab);
        }

        @Test
        void second(LabRunner lab) {
            seen(lab);
        }

        @Nested
        class Inner {
            @Test
            void third(LabRunner lab) {
                seen(lab);
            }
        }
    }

    @ExtendWith(OnlyFromExecute.class)
    @MemtypeLab
    static class OneFailingTest {
        @Test
        void failsAfterARun(LabRunner lab) {
            seen(lab);
            lab.run("thread/option-2-honor-guest-pat");
            fail("on purpose");
        }
    }
}
