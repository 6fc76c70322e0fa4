package org.memtypelab.lab.junit;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link MemtypeLab}: forms one lab cluster per test class before its first test, keeps
 * it in the class's extension store (JUnit closes it after the class; a {@code @Nested} class shares its outer
 * class's) and resolves {@link LabRunner} parameters of tests and lifecycle methods. Register it with the annotation,
 * or as {@code @RegisterExtension static MemtypeLabExtension lab = MemtypeLabExtension.embedded();} - not both.
 *
 * <p>Run directories are deleted with the cluster unless a test of the class failed, or the JUnit configuration
 * parameter {@value #KEEP_RUNS} is {@code true} ({@code -Dmemtype-lab.keep-runs=true} or junit-platform.properties).
 */
public final class MemtypeLabExtension implements BeforeAllCallback, ParameterResolver, TestWatcher {

    /** Configuration parameter: keep every run directory after its class. */
    public static final String KEEP_RUNS = "memtype-lab.keep-runs";

    private static final Namespace NAMESPACE = Namespace.create(MemtypeLabExtension.class);
    private static final String KEY = "cluster";

    /** Null: from {@link MemtypeLab#nodes()} on the test class. */
    private final Nodes nodes;

    /** For {@code @ExtendWith} and {@link MemtypeLab}: the nodes come from the class's {@link MemtypeLab}, else embedded. */
    public MemtypeLabExtension() {
        this(null);
    }

    private MemtypeLabExtension(Nodes nodes) {
        this.nodes = nodes;
    }

    /** Every node in the test JVM. */
    public static MemtypeLabExtension embedded() {
        return new MemtypeLabExtension(Nodes.EMBEDDED);
    }

    /** One JVM per node, see {@link Nodes#PROCESSES}. */
    public static MemtypeLabExtension processes() {
        return new MemtypeLabExtension(Nodes.PROCESSES);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        lab(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LabRunner.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return lab(context).runner();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        ClassLab lab = context.getStore(NAMESPACE).get(KEY, ClassLab.class);
        if (lab != null) {
            lab.failed();
        }
    }

    /** The class's lab, formed on first use; the store finds an outer class's lab first. */
    private ClassLab lab(ExtensionContext context) {
        ExtensionContext classContext = classLevel(context);
        Class<?> testClass = classContext.getRequiredTestClass();
        boolean keep = classContext
                .getConfigurationParameter(KEEP_RUNS)
                .map(Boolean::parseBoolean)
                .orElse(false);
        return classContext
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(KEY, k -> ClassLab.form(testClass, nodes(testClass), keep), ClassLab.class);
    }

    private Nodes nodes(Class<?> testClass) {
        if (nodes != null) {
            return nodes;
        }
        return AnnotationSupport.findAnnotation(testClass, MemtypeLab.class)
                .map(MemtypeLab::nodes)
                .orElse(Nodes.EMBEDDED);
    }

    /** The nearest class-level context: a test method's (or a parameterized invocation's) class. */
    private static ExtensionContext classLevel(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent()) {
            Optional<ExtensionContext> parent = c.getParent();
            if (parent.isEmpty()) {
                break;
            }
            c = parent.get();
        }
        return c;
    }
}
