package io.quantizer.engine.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a zip's end-of-central-directory record (and its zip64 twin) declares about the central directory: the
 * entry count, its size and offset. Read from the end of the file before {@link java.util.zip.ZipFile} loads the
 * whole directory into memory, so an archive declaring 100,000 entries, or a directory that cannot lie inside the
 * file, is refused after reading at most 64 KiB.
 */
record ZipDirectory(long entries, long size, long offset) {

    /** The smallest central directory header (46 bytes plus the name, comment and extra fields). */
    private static final int MIN_CENTRAL_HEADER = 46;
    private static final int EOCD_SIZE = 22;
    private static final int EOCD_SIGNATURE = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
    private static final int ZIP64_LOCATOR_SIZE = 20;
    private static final int ZIP64_EOCD_SIGNATURE = 0x06064b50;
    private static final int ZIP64_EOCD_SIZE = 56;

    /** Reads the directory's declaration and checks it against {@code limits} and the file's length. */
    static ZipDirectory check(Path file, NpzLimits limits) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            int tail = (int) Math.min(length, EOCD_SIZE + 0xFFFF);
            ByteBuffer buffer = read(channel, length - tail, tail);
            int at = -1;
            for (int i = tail - EOCD_SIZE; i >= 0; i--) {
                if (buffer.getInt(i) == EOCD_SIGNATURE) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                throw new DatasetFormatException("the .npz is not a readable zip archive: it has no end of central "
                        + "directory record (the upload may be truncated)");
            }
            long eocd = length - tail + at;
            long entries = Short.toUnsignedInt(buffer.getShort(at + 10));
            long size = Integer.toUnsignedLong(buffer.getInt(at + 12));
            long offset = Integer.toUnsignedLong(buffer.getInt(at + 16));
            long directoryEnd = eocd;
            if ((entries == 0xFFFF || size == 0xFFFFFFFFL || offset == 0xFFFFFFFFL) && eocd >= ZIP64_LOCATOR_SIZE) {
                ByteBuffer locator = read(channel, eocd - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE);
                if (locator.getInt(0) == ZIP64_LOCATOR_SIGNATURE) {
                    long record = locator.getLong(8);
                    if (record < 0 || record > eocd - ZIP64_LOCATOR_SIZE - ZIP64_EOCD_SIZE) {
                        throw corrupt("its zip64 directory record lies outside the file");
                    }
                    ByteBuffer zip64 = read(channel, record, ZIP64_EOCD_SIZE);
                    if (zip64.getInt(0) != ZIP64_EOCD_SIGNATURE) {
                        throw corrupt("its zip64 directory record is missing");
                    }
                    entries = zip64.getLong(32);
                    size = zip64.getLong(40);
                    offset = zip64.getLong(48);
                    directoryEnd = record;
                }
            }
            if (entries < 0 || entries > limits.maxEntries()) {
                throw new DatasetFormatException("the .npz declares " + Long.toUnsignedString(entries)
                        + " entries, more than " + limits.maxEntries() + " entries, the limit "
                        + "(quantizer.datasets.npz.max-entries); save fewer arrays per archive");
            }
            if (size < 0 || offset < 0 || offset > directoryEnd || size > directoryEnd - offset) {
                throw corrupt("its central directory (" + Long.toUnsignedString(size) + " bytes at offset "
                        + Long.toUnsignedString(offset) + ") does not lie inside the " + length + "-byte file");
            }
            if (size < entries * MIN_CENTRAL_HEADER) {
                throw corrupt("its central directory of " + size + " bytes cannot hold the " + entries
                        + " entries it declares");
            }
            return new ZipDirectory(entries, size, offset);
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(count).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw corrupt("it ends early");
            }
        }
        return buffer.flip();
    }

    private static DatasetFormatException corrupt(String why) {
        return new DatasetFormatException("the .npz is not a readable zip archive: " + why);
    }
}
