package org.memtypelab.protocol;

/** Marker for every message that crosses node boundaries; bound to Jackson CBOR in {@code memtype-lab-serialization.conf}. */
public interface CborSerializable {}
