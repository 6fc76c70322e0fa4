package org.memtypelab.protocol.node;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.memtypelab.core.memslot.Errno;
import org.memtypelab.core.memslot.SetResult;

/** What the ioctl of a memslot step (or the KVM_RUN of a guest access) returned to userspace: 0 or an {@link Errno}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "ioctl")
@JsonSubTypes({
    @JsonSubTypes.Type(value = IoctlAnswer.NoIoctl.class, name = "none"),
    @JsonSubTypes.Type(value = IoctlAnswer.Zero.class, name = "zero"),
    @JsonSubTypes.Type(value = IoctlAnswer.Failed.class, name = "failed")
})
public sealed interface IoctlAnswer {

    /** The step made no memslot ioctl. */
    record NoIoctl() implements IoctlAnswer {}

    /** The ioctl returned 0. */
    record Zero() implements IoctlAnswer {}

    /** The ioctl returned {@code -errno}. */
    record Failed(Errno errno) implements IoctlAnswer {}

    /** KVM's answer to a memslot ioctl (DOMAIN 3.2). */
    static IoctlAnswer of(SetResult result) {
        return result instanceof SetResult.Failed f ? new Failed(f.errno()) : new Zero();
    }

    /** As a scenario records it: {@code 0}, the errno name, or empty when there was no ioctl. */
    default String label() {
        if (this instanceof Failed f) {
            return f.errno().name();
        }
        return this instanceof Zero ? "0" : "";
    }
}
