package org.memtypelab.lab.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class whose tests play scenarios on one lab cluster: formed before the class's first test, closed after its
 * last; each test takes a {@link LabRunner} parameter. The same as registering {@link MemtypeLabExtension} yourself.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(MemtypeLabExtension.class)
public @interface MemtypeLab {

    /** Embedded (default) or one JVM per node. */
    Nodes nodes() default Nodes.EMBEDDED;
}
