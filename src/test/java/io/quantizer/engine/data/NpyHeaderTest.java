package io.quantizer.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyHeaderTest {

    private static NpyHeader read(byte[] npy) throws IOException {
        return NpyHeader.read(new ByteArrayInputStream(npy), "array 'x'");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void readsEveryFormatVersion(int major) throws IOException {
        byte[] npy = NumpyFixtures.npy("<f4", new long[] {2, 3}, false, major, new byte[24]);

        NpyHeader header = read(npy);

        assertThat(header.type()).isEqualTo(NumpyType.FLOAT32);
        assertThat(header.byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(header.shape()).containsExactly(2, 3);
        assertThat(header.dataOffset()).isEqualTo(npy.length - 24).isEqualTo(128);
        assertThat(header.dataBytes()).isEqualTo(24);
        assertThat(header.elementsPerSample()).isEqualTo(3);
    }

    @Test
    void readsBigEndianAndOneByteTypes() throws IOException {
        assertThat(read(NumpyFixtures.npy(">f8", new long[] {1}, false, 1, new byte[8])).byteOrder())
                .isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(read(NumpyFixtures.npy("|u1", new long[] {4}, false, 1, new byte[4])).type())
                .isEqualTo(NumpyType.UINT8);
        assertThat(read(NumpyFixtures.npy("|b1", new long[] {4}, false, 1, new byte[4])).type())
                .isEqualTo(NumpyType.BOOL);
        assertThat(read(NumpyFixtures.npy("<f2", new long[] {4}, false, 1, new byte[8])).type())
                .isEqualTo(NumpyType.FLOAT16);
    }

    @Test
    void readsScalarsAndPython2LongSuffixes() throws IOException {
        NpyHeader scalar = read(NumpyFixtures.npy("<i8", new long[0], false, 1, new byte[8]));
        assertThat(scalar.rank()).isZero();
        assertThat(scalar.elementCount()).isEqualTo(1);

        NpyHeader old = read(NumpyFixtures.npyWithHeader(
                "{'descr': '<i4', 'fortran_order': False, 'shape': (3L, 2L), }", 1, new byte[24]));
        assertThat(old.shape()).containsExactly(3, 2);
    }

    @Test
    void refusesPickledObjectArrays() {
        assertThatThrownBy(() -> read(NumpyFixtures.npy("|O", new long[] {2}, false, 1, new byte[16])))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("dtype=object").hasMessageContaining("pickle");
    }

    @Test
    void refusesStructuredAndStringDtypes() {
        byte[] structured = NumpyFixtures.npy("[('a', '<f4'), ('b', '<i4')]", new long[] {2}, false, 1,
                new byte[16]);
        assertThatThrownBy(() -> read(structured)).hasMessageContaining("structured");
        assertThatThrownBy(() -> read(NumpyFixtures.npy("|V8", new long[] {2}, false, 1, new byte[16])))
                .hasMessageContaining("structured");
        assertThatThrownBy(() -> read(NumpyFixtures.npy("<U5", new long[] {2}, false, 1, new byte[40])))
                .hasMessageContaining("'<U5'").hasMessageContaining("not supported");
        assertThatThrownBy(() -> read(NumpyFixtures.npy("<c8", new long[] {2}, false, 1, new byte[16])))
                .hasMessageContaining("not supported");
    }

    @Test
    void fortranOrderIsRefusedOnlyWhereItChangesTheLayout() throws IOException {
        assertThat(read(NumpyFixtures.npy("<f4", new long[] {5}, true, 1, new byte[20])).shape()).containsExactly(5);
        assertThat(read(NumpyFixtures.npy("<f4", new long[] {5, 1}, true, 1, new byte[20])).shape())
                .containsExactly(5, 1);
        assertThatThrownBy(() -> read(NumpyFixtures.npy("<f4", new long[] {2, 3}, true, 1, new byte[24])))
                .hasMessageContaining("Fortran").hasMessageContaining("ascontiguousarray");
    }

    @Test
    void refusesOversizedHeadersBeforeReadingThem() {
        ByteBuffer npy = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        npy.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(2_000_000_000);

        assertThatThrownBy(() -> read(npy.array()))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("header of 2000000000 bytes");
    }

    @Test
    void refusesCorruptHeaders() {
        assertThatThrownBy(() -> read("not numpy at all".getBytes()))
                .hasMessageContaining("not a NumPy .npy array");
        assertThatThrownBy(() -> read(NumpyFixtures.npyWithHeader("{'descr': '<f4', 'shape': (2,", 1, new byte[8])))
                .hasMessageContaining("unreadable .npy header");
        assertThatThrownBy(() -> read(NumpyFixtures.npyWithHeader("__import__('os').system('x')", 1, new byte[0])))
                .hasMessageContaining("unreadable .npy header");
        assertThatThrownBy(() -> read(NumpyFixtures.npyWithHeader(
                "{'descr': '<f4', 'fortran_order': False}", 1, new byte[0])))
                .hasMessageContaining("exactly the keys");
        assertThatThrownBy(() -> read(NumpyFixtures.npyWithHeader(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3)}", 1, new byte[0])))
                .hasMessageContaining("non-negative");
        assertThatThrownBy(() -> read(NumpyFixtures.npyWithHeader(
                "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]}", 1, new byte[0])))
                .hasMessageContaining("tuple");
        assertThatThrownBy(() -> read(NumpyFixtures.npyWithHeader(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296)}", 1,
                new byte[0])))
                .hasMessageContaining("too large");
        String deep = "(".repeat(100) + ")".repeat(100);
        assertThatThrownBy(() -> read(NumpyFixtures.npyWithHeader(deep, 1, new byte[0])))
                .hasMessageContaining("nesting");
    }

    @Test
    void refusesTruncatedHeadersAndUnknownVersions() {
        byte[] full = NumpyFixtures.npy("<f4", new long[] {2}, false, 1, new byte[8]);
        assertThatThrownBy(() -> read(Arrays.copyOf(full, 30))).hasMessageContaining("truncated");
        assertThatThrownBy(() -> read(Arrays.copyOf(full, 9))).hasMessageContaining("truncated");
        byte[] v4 = full.clone();
        v4[6] = 4;
        assertThatThrownBy(() -> read(v4)).hasMessageContaining("version 4.0");
    }
}
