package org.memtypelab.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.memtypelab.documents.TraceLine;

class HistoryEntryTest {

    @Test
    void aRejectedMessageIsShownAsAFaultWithItsReason() {
        HistoryEntry e =
                HistoryEntry.of(new TraceLine.Rejected("kvm-node", 1, 7, 9, 3, 0, "guest-map", "pat: not a PAT type"));

        assertThat(e.fault()).isTrue();
        assertThat(e.text()).isEqualTo("rejected guest-map: pat: not a PAT type");
    }
}
