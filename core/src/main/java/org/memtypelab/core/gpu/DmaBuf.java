package org.memtypelab.core.gpu;

/** An exported dma-buf as it travels from the GPU process to QEMU (the fd, as a message; DOMAIN 6.1, rule 33). */
public record DmaBuf(String buffer, long size, BufferProfile profile) {}
