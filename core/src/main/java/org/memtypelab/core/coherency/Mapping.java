package org.memtypelab.core.coherency;

/**
 * One party's mapping of a buffer.
 *
 * @param dereferenced whether the party actually touches memory through it; QEMU's mapping of a blob under
 *     {@code blob-access: kvm-only} exists only for KVM and is never dereferenced, so it aliases nothing
 */
public record Mapping(String buffer, Who who, MappingType type, boolean dereferenced) {

    /** The accessor this mapping reads and writes through, if its type is known. */
    public java.util.Optional<Accessor> accessor() {
        return type.accessor(who);
    }
}
