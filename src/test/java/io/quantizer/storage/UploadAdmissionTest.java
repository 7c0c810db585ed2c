package io.quantizer.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Admission by count and by the staging disk's free space. */
class UploadAdmissionTest {

    @Test
    void admitsUpToTheConcurrencyLimitAndAgainOnceATicketIsClosed() {
        UploadAdmission admission = new UploadAdmission(2, 0, () -> Long.MAX_VALUE);

        UploadAdmission.Result first = admission.admit(10);
        UploadAdmission.Result second = admission.admit(10);
        UploadAdmission.Result third = admission.admit(10);

        assertThat(first.ticket()).isPresent();
        assertThat(second.ticket()).isPresent();
        assertThat(third.ticket()).isEmpty();
        assertThat(third.refusal().orElseThrow().reason()).contains("max-concurrent");
        first.ticket().get().close();
        first.ticket().get().close(); // idempotent: gives the room back once
        assertThat(admission.admitted()).isEqualTo(1);
        assertThat(admission.admit(10).ticket()).isPresent();
        assertThat(admission.admit(10).ticket()).isEmpty();
    }

    @Test
    void reservesEachAdmittedUploadsSizeAgainstTheFreeSpaceAboveTheFloor() {
        AtomicLong free = new AtomicLong(1000);
        UploadAdmission admission = new UploadAdmission(10, 100, free::get);

        UploadAdmission.Result big = admission.admit(600);
        assertThat(big.ticket()).isPresent();
        UploadAdmission.Result tooMuch = admission.admit(301); // 1000 - 600 - 301 < 100
        assertThat(tooMuch.ticket()).isEmpty();
        assertThat(tooMuch.refusal().orElseThrow().reason()).contains("1000 bytes free", "600 bytes reserved",
                "min-free-space");
        assertThat(admission.admit(300).ticket()).as("exactly down to the floor").isPresent();

        free.set(50); // something else filled the disk
        big.ticket().get().close();
        assertThat(admission.admit(1).ticket()).isEmpty();
    }
}
