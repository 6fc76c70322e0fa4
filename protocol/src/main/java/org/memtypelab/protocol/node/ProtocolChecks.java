package org.memtypelab.protocol.node;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.qemu.BlobSlot;

/**
 * What a protocol message must look like to be acted on, judged from the message alone: every field present, numbers
 * within what a scenario can produce (docs/scenarios.md, the scenario reader's ranges), names a scenario can write.
 * Values a scenario may legally give and the domain itself judges - an unaligned or out-of-range raw
 * {@code set-memory-region} (EINVAL, DOMAIN rule 20-21), a buffer the receiving node does not know - are not problems
 * here: the receiving model answers them as KVM or QEMU would. Checks that need the receiver's state (an incarnation or
 * event number from the future) are the receiver's. Pure: no Pekko.
 */
public final class ProtocolChecks {

    /** x86's largest physical address space (MAXPHYADDR <= 52): no buffer, blob or offset lies past it. */
    public static final long PHYS_ADDR_END = 1L << 52;

    /** The end of the 47-bit user address space, where every hva lies (DOMAIN rule 20). */
    public static final long USER_ADDRESS_END = 1L << 47;

    /** A Lamport clock no run reaches (each message ticks it once); larger values would overflow the receiver's. */
    public static final long LAMPORT_MAX = 1L << 40;

    /** Far more steps than a scenario may have (1,000), still small enough for every counter. */
    public static final int STEP_MAX = 1 << 20;

    /** More events than one node incarnation emits in a run; a mark or event number past it is not real. */
    public static final long SEQ_MAX = 1L << 20;

    /** More incarnations than a node ever has (each restart adds one). */
    public static final long INCARNATION_MAX = 1L << 31;

    /** The longest name, run id, path or free text a message may carry. */
    public static final int TEXT_MAX = 4096;

    /** Buffer names as scenarios write them (the scenario reader's rule). */
    private static final Pattern BUFFER = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    /** Node and party names: {@code kvm-node}, {@code conductor}, {@code dump-guest-memory}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    private ProtocolChecks() {}

    /** What is wrong with {@code message}, or empty if it may be acted on (messages of other types: empty). */
    public static Optional<String> problem(Object message) {
        try {
            return Optional.ofNullable(check(message));
        } catch (RuntimeException e) {
            // a getter of a hostile value threw (e.g. an enum helper on an impossible state): not a valid message
            return Optional.of(
                    "unreadable " + simpleName(message) + ": " + e.getClass().getSimpleName());
        }
    }

    /** A short name of a message's type for logs and traces ({@code KvmProtocol.GuestMap} -> {@code GuestMap}). */
    public static String simpleName(Object message) {
        return message == null ? "null" : message.getClass().getSimpleName();
    }

    private static String check(Object m) {
        if (m == null) {
            return "null message";
        }
        if (m instanceof NodeCommand.Step step) {
            String s = stamp(step.stamp());
            if (s != null) {
                return s;
            }
            String to = ref(step.replyTo(), "replyTo");
            if (to != null) {
                return to;
            }
        }
        if (m instanceof KvmProtocol.Step k) {
            return kvm(k);
        }
        if (m instanceof QemuProtocol.Step q) {
            return qemu(q);
        }
        if (m instanceof GpuProtocol.Step g) {
            return gpu(g);
        }
        if (m instanceof MigrationProtocol.Migrate) {
            return null;
        }
        if (m instanceof QemuProtocol.GetMigrationInfo i) {
            return first(stamp(i.stamp()), present(i.policy(), "policy"), ref(i.replyTo(), "replyTo"));
        }
        if (m instanceof NodeCommand.Control c) {
            return control(c);
        }
        if (m instanceof MonitorProtocol.Command c) {
            return monitor(c);
        }
        return null;
    }

    /** A command's stamp: a step, a clock that cannot overflow, a sender name, a run id. */
    public static String stamp(Stamp s) {
        if (s == null) {
            return "stamp is missing";
        }
        return first(
                range(s.step(), 0, STEP_MAX, "stamp.step"),
                range(s.lamport(), 0, LAMPORT_MAX, "stamp.lamport"),
                name(s.from(), "stamp.from"),
                text(s.runId(), "stamp.runId"));
    }

    private static String kvm(KvmProtocol.Step m) {
        if (m instanceof KvmProtocol.InstallBlob b) {
            return blob(b.blob());
        }
        if (m instanceof KvmProtocol.RemoveBlob b) {
            return blob(b.blob());
        }
        if (m instanceof KvmProtocol.StartDirtyLog b) {
            return blob(b.blob());
        }
        if (m instanceof KvmProtocol.SetMemoryRegion r) {
            // every slot, flags, gpa and size value is KVM's to judge (EINVAL, DOMAIN 3.2); only the hva must be said
            return present(r.hva(), "hva");
        }
        if (m instanceof KvmProtocol.GuestMap g) {
            return first(
                    buffer(g.buffer()),
                    choice(g.pat(), MemType.PAT_TYPES, "pat"),
                    oneOf(g.mtrr(), MemType.MTRR_TYPES, "mtrr"));
        }
        if (m instanceof KvmProtocol.GuestAccess a) {
            return access(a.buffer(), a.offset(), a.value());
        }
        return null; // GuestCr0Cd, NoncoherentDma: a boolean each
    }

    private static String qemu(QemuProtocol.Step m) {
        if (m instanceof QemuProtocol.ImportDmaBuf i) {
            return dmaBuf(i.dmaBuf());
        }
        if (m instanceof QemuProtocol.MapBlob b) {
            return first(
                    buffer(b.buffer()),
                    range(b.gpa(), 0, PHYS_ADDR_END - 1, "gpa"),
                    elements(b.flags(), "flags"),
                    choice(b.memtype(), MemType.EPT_TYPES, "memtype"));
        }
        if (m instanceof QemuProtocol.UnmapBlob u) {
            return buffer(u.buffer());
        }
        if (m instanceof QemuProtocol.WalkMemslots w) {
            return nonEmpty(w.by(), "by");
        }
        return null;
    }

    private static String gpu(GpuProtocol.Step m) {
        if (m instanceof GpuProtocol.Allocate a) {
            return first(buffer(a.buffer()), range(a.size(), 1, PHYS_ADDR_END, "size"), profile(a.profile()));
        }
        if (m instanceof GpuProtocol.Export e) {
            return buffer(e.buffer());
        }
        if (m instanceof GpuProtocol.GpuAccess a) {
            return access(a.buffer(), a.offset(), a.value());
        }
        if (m instanceof GpuProtocol.RendererAccess a) {
            return access(a.buffer(), a.offset(), a.value());
        }
        return null; // SaveBlobs
    }

    private static String control(NodeCommand.Control c) {
        if (c instanceof NodeCommand.Setup s) {
            return first(ref(s.replyTo(), "replyTo"), runSetup(s.setup()));
        }
        if (c instanceof NodeCommand.NewPeers p) {
            return first(present(p.peers(), "peers"), ref(p.replyTo(), "replyTo"));
        }
        if (c instanceof NodeCommand.GetMark g) {
            return ref(g.replyTo(), "replyTo");
        }
        if (c instanceof NodeCommand.ResendTo r) {
            String s = first(
                    range(r.incarnation(), 0, INCARNATION_MAX, "incarnation"),
                    ref(r.monitor(), "monitor"),
                    elements(r.seqs(), "seqs"));
            if (s != null) {
                return s;
            }
            if (r.seqs().size() > SEQ_MAX) {
                return "seqs: " + r.seqs().size() + " numbers, at most " + SEQ_MAX;
            }
            for (long seq : r.seqs()) {
                if (seq < 1 || seq > SEQ_MAX) {
                    return "seqs: " + seq + " is not an event number (1.." + SEQ_MAX + ")";
                }
            }
            return null;
        }
        if (c instanceof Arm a) {
            return arm(a);
        }
        return null;
    }

    private static String arm(Arm a) {
        String s = first(
                range(a.step(), 0, STEP_MAX, "step"),
                ref(a.replyTo(), "replyTo"),
                elements(a.rules(), "rules"),
                elements(a.partition(), "partition"));
        if (s != null) {
            return s;
        }
        for (MessageRule r : a.rules()) {
            s = first(
                    present(r.action(), "rule action"),
                    text(r.from(), "rule from"),
                    text(r.to(), "rule to"),
                    text(r.kind(), "rule kind"),
                    range(r.delayMs(), 0, 3_600_000, "rule delayMs"),
                    r.count() < 0 || !(r.probability() > 0 && r.probability() <= 1)
                            ? "rule count or probability"
                            : null);
            if (s != null) {
                return s;
            }
        }
        for (Set<String> group : a.partition()) {
            s = elements(group, "partition group");
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    private static String runSetup(RunSetup s) {
        if (s == null) {
            return "setup is missing";
        }
        return first(
                text(s.runId(), "runId"),
                present(s.platform(), "platform"),
                present(s.qemu(), "qemu"),
                present(s.policy(), "policy"),
                nonEmpty(s.traceDir(), "traceDir"),
                present(s.peers(), "peers"));
    }

    private static String monitor(MonitorProtocol.Command c) {
        if (c instanceof Observed o) {
            return first(text(o.runId(), "runId"), event(o.event()));
        }
        if (c instanceof MonitorProtocol.Reset r) {
            return first(text(r.runId(), "runId"), present(r.coherence(), "coherence"), ref(r.replyTo(), "replyTo"));
        }
        if (c instanceof MonitorProtocol.Report r) {
            String s = first(
                    text(r.runId(), "runId"),
                    present(r.coherence(), "coherence"),
                    ref(r.replyTo(), "replyTo"),
                    elements(r.marks(), "marks"));
            if (s != null) {
                return s;
            }
            for (NodeMark m : r.marks()) {
                s = first(
                        name(m.node(), "mark node"),
                        range(m.incarnation(), 0, INCARNATION_MAX, "mark incarnation"),
                        range(m.lastSeq(), 0, SEQ_MAX, "mark lastSeq"),
                        ref(m.resendTo(), "mark resendTo"));
                if (s != null) {
                    return s;
                }
            }
        }
        return null;
    }

    /** A node's event as the monitor receives it. */
    public static String event(Event e) {
        if (e == null) {
            return "event is missing";
        }
        return first(
                name(e.node(), "event node"),
                range(e.incarnation(), 0, INCARNATION_MAX, "event incarnation"),
                range(e.seq(), 1, SEQ_MAX, "event seq"),
                range(e.step(), 0, STEP_MAX, "event step"),
                range(e.lamport(), 0, LAMPORT_MAX, "event lamport"),
                observation(e.observation()));
    }

    private static String observation(Observation o) {
        if (o == null) {
            return "observation is missing";
        }
        if (o instanceof Observation.MappingSet s) {
            return mapping(s.mapping());
        }
        if (o instanceof Observation.MappingGone g) {
            return first(buffer(g.buffer()), present(g.who(), "who"));
        }
        if (o instanceof Observation.Access a) {
            return first(access(a.buffer(), a.offset(), a.value()), present(a.who(), "who"), mappingType(a.type()));
        }
        if (o instanceof Observation.Reported r) {
            Hazard h = r.hazard();
            if (h == null) {
                return "hazard is missing";
            }
            return first(
                    buffer(h.buffer()),
                    present(h.kind(), "hazard kind"),
                    elements(h.between(), "hazard between"),
                    elements(h.types(), "hazard types"),
                    range(h.step(), 0, STEP_MAX, "hazard step"),
                    text(h.witness(), "hazard witness"));
        }
        return null;
    }

    private static String mapping(Mapping m) {
        if (m == null) {
            return "mapping is missing";
        }
        return first(buffer(m.buffer()), present(m.who(), "who"), mappingType(m.type()));
    }

    private static String mappingType(MappingType t) {
        if (t == null) {
            return "mapping type is missing";
        }
        if (t instanceof MappingType.Cpu c) {
            return present(c.type(), "mapping type");
        }
        if (t instanceof MappingType.Guest g) {
            return first(present(g.type(), "guest type"), present(g.ept(), "guest ept"));
        }
        if (t instanceof MappingType.Unverified u) {
            return text(u.why(), "unverified why");
        }
        return null;
    }

    /** A blob's memslot as qemu-node hands it to kvm-node (DOMAIN 5.2); its alignment is KVM's to judge. */
    private static String blob(BlobSlot b) {
        if (b == null) {
            return "blob is missing";
        }
        return first(
                buffer(b.buffer()),
                range(b.gpa(), 0, PHYS_ADDR_END - 1, "blob gpa"),
                range(b.size(), 1, PHYS_ADDR_END, "blob size"),
                range(b.hva(), 0, USER_ADDRESS_END - 1, "blob hva"),
                present(b.slotMemtype(), "blob slotMemtype"),
                b.slotMemtype() != null && b.slotMemtype().isPresent()
                        ? oneOf(b.slotMemtype().get(), MemType.EPT_TYPES, "blob slotMemtype")
                        : null,
                present(b.qemuType(), "blob qemuType"),
                present(b.backing(), "blob backing"),
                present(b.guestDefaultPat(), "blob guestDefaultPat"),
                present(b.exporterType(), "blob exporterType"));
    }

    private static String dmaBuf(DmaBuf d) {
        if (d == null) {
            return "dmaBuf is missing";
        }
        return first(buffer(d.buffer()), range(d.size(), 1, PHYS_ADDR_END, "dmaBuf size"), profile(d.profile()));
    }

    private static String profile(BufferProfile p) {
        if (p == null) {
            return "profile is missing";
        }
        return first(
                present(p.backing(), "profile backing"),
                present(p.dmabufMmap(), "profile dmabufMmap"),
                p.dmabufMmap() != null && p.dmabufMmap().isPresent()
                        ? oneOf(p.dmabufMmap().get(), MemType.PAT_TYPES, "profile dmabufMmap")
                        : null,
                oneOf(p.rendererMap(), MemType.PAT_TYPES, "profile rendererMap"),
                present(p.gpuSnoop(), "profile gpuSnoop"));
    }

    /** One byte at {@code offset} of {@code buffer}: the buffer's own size bounds it on the receiver. */
    private static String access(String buffer, long offset, int value) {
        return first(buffer(buffer), range(offset, 0, PHYS_ADDR_END - 1, "offset"), range(value, 0, 255, "value"));
    }

    private static String choice(MemTypeChoice c, List<MemType> allowed, String field) {
        if (c == null) {
            return field + " is missing";
        }
        return c instanceof MemTypeChoice.Given g ? oneOf(g.type(), allowed, field) : null;
    }

    private static String oneOf(MemType t, List<MemType> allowed, String field) {
        if (t == null) {
            return field + " is missing";
        }
        return allowed.contains(t) ? null : field + ": " + t.label() + " is not one of " + allowed;
    }

    private static String buffer(String b) {
        if (b == null) {
            return "buffer is missing";
        }
        return BUFFER.matcher(b).matches() ? null : "buffer: " + quote(b) + " is not a buffer name";
    }

    private static String name(String n, String field) {
        if (n == null) {
            return field + " is missing";
        }
        return NAME.matcher(n).matches() ? null : field + ": " + quote(n) + " is not a name";
    }

    private static String text(String t, String field) {
        if (t == null) {
            return field + " is missing";
        }
        if (t.length() > TEXT_MAX) {
            return field + ": " + t.length() + " characters, at most " + TEXT_MAX;
        }
        for (int i = 0; i < t.length(); i++) {
            if (Character.isISOControl(t.charAt(i)) && t.charAt(i) != '\n') {
                return field + ": contains control characters";
            }
        }
        return null;
    }

    private static String nonEmpty(String t, String field) {
        String s = text(t, field);
        return s != null ? s : t.isBlank() ? field + " is empty" : null;
    }

    /**
     * A reference to answer to: present, and not one that failed to resolve when read from the wire (Pekko reads an
     * unknown actor path as dead letters rather than failing).
     */
    private static String ref(ActorRef<?> to, String field) {
        if (to == null) {
            return field + " is missing";
        }
        return to.path().name().equals("deadLetters") ? field + ": does not name an actor" : null;
    }

    private static String present(Object o, String field) {
        return o == null ? field + " is missing" : null;
    }

    private static String elements(Collection<?> c, String field) {
        if (c == null) {
            return field + " is missing";
        }
        for (Object o : c) {
            if (o == null) {
                return field + ": contains a null";
            }
        }
        return null;
    }

    private static String range(long v, long min, long max, String field) {
        return v >= min && v <= max ? null : field + ": " + v + " is outside " + min + ".." + max;
    }

    private static String first(String... problems) {
        for (String p : problems) {
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    /** A hostile string as it may appear in a log line: short, without control characters. */
    private static String quote(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        StringBuilder sb = new StringBuilder("'");
        cut.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.append(Character.toChars(c));
            }
        });
        return sb.append('\'').toString();
    }
}
