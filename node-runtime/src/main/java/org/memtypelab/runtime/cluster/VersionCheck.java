package org.memtypelab.runtime.cluster;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid$;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Pekko's join-time configuration check ({@code pekko.cluster.configuration-compatibility-check}): a node whose
 * {@value #KEY} differs from the cluster's is refused, and the message names both versions. Nodes of different
 * versions would speak different protocols and model different kernels.
 */
public final class VersionCheck extends JoinConfigCompatChecker {

    public static final String KEY = "memtype-lab.version";

    @Override
    public Seq<String> requiredKeys() {
        return CollectionConverters.asScala(List.of(KEY)).toList();
    }

    @Override
    public ConfigValidation check(Config toCheck, Config actualConfig) {
        String joining = toCheck.hasPath(KEY) ? toCheck.getString(KEY) : "(none)";
        String ours = actualConfig.getString(KEY);
        return joining.equals(ours)
                ? Valid$.MODULE$
                : new Invalid(CollectionConverters.asScala(List.of("a node of memtype-lab " + joining
                                + " cannot join this cluster of memtype-lab " + ours
                                + "; run the same version on every host"))
                        .toList());
    }
}
