package io.quantizer.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The arrays of a .npz (a zip of .npy files, stored or deflated). Opening checks the zip against {@link NpzLimits}
 * using the sizes the central directory declares, and reads each entry's .npy header; since a header fixes the
 * exact data size and no more than that is ever read, an entry that lies about its size cannot inflate beyond it.
 */
final class NpzArchive {

    private static final String SUFFIX = ".npy";

    private NpzArchive() {
    }

    /**
     * Opens the archive after checking what its end-of-central-directory record declares (entry count, where the
     * directory lies), so a directory of a million entries is never loaded; the caller owns the returned zip file.
     */
    static ZipFile openZip(Path file, NpzLimits limits) throws IOException {
        ZipDirectory.check(file, limits);
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new DatasetFormatException("the .npz is not a readable zip archive (" + e.getMessage() + ")", e);
        }
    }

    static List<ArrayEntry> entries(ZipFile zip, NpzLimits limits) throws IOException {
        List<ArrayEntry> arrays = new ArrayList<>();
        Set<String> names = new HashSet<>();
        long total = 0;
        Enumeration<? extends ZipEntry> all;
        try {
            all = zip.entries();
        } catch (IllegalArgumentException e) {
            throw new DatasetFormatException("the .npz has entry names that are not valid UTF-8", e);
        }
        while (all.hasMoreElements()) {
            ZipEntry entry = all.nextElement();
            if (arrays.size() == limits.maxEntries()) {
                throw new DatasetFormatException("the .npz holds more than " + limits.maxEntries() + " entries");
            }
            String entryName = entry.getName();
            if (entry.isDirectory() || !entryName.endsWith(SUFFIX) || entryName.length() == SUFFIX.length()) {
                throw new DatasetFormatException("the .npz entry '" + entryName + "' is not a .npy array; a .npz "
                        + "may hold only .npy entries (as numpy.savez writes them)");
            }
            String name = entryName.substring(0, entryName.length() - SUFFIX.length());
            if (!names.add(name)) {
                throw new DatasetFormatException("the .npz holds the array '" + name + "' twice");
            }
            total += checkSize(entry, limits);
            if (total > limits.maxTotalUncompressedBytes()) {
                throw new DatasetFormatException("the .npz expands to more than "
                        + limits.maxTotalUncompressedBytes() + " bytes, the limit for uncompressed data");
            }
            arrays.add(array(zip, entry, name));
        }
        return arrays;
    }

    /** Reads every entry to its end, checking its length and CRC-32 against the central directory. */
    static void verify(ZipFile zip, List<ArrayEntry> arrays) throws IOException {
        byte[] buffer = new byte[1 << 16];
        for (ArrayEntry array : arrays) {
            ZipEntry entry = zip.getEntry(array.name() + SUFFIX);
            CRC32 crc = new CRC32();
            long count = 0;
            try (InputStream in = zip.getInputStream(entry)) {
                // one byte past the declared size is enough to notice an entry that runs on
                long limit = entry.getSize() + 1;
                int n;
                while (count < limit && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - count))) > 0) {
                    crc.update(buffer, 0, n);
                    count += n;
                }
            } catch (ZipException | java.io.EOFException e) {
                throw new DatasetFormatException(array.where() + " has corrupt compressed data ("
                        + e.getMessage() + ")", e);
            }
            if (count != entry.getSize() || crc.getValue() != entry.getCrc()) {
                throw new DatasetFormatException(array.where() + " is corrupt: its content does not match the "
                        + "size and checksum recorded in the zip directory");
            }
        }
    }

    private static long checkSize(ZipEntry entry, NpzLimits limits) {
        long size = entry.getSize();
        long compressed = entry.getCompressedSize();
        if (size < 0 || compressed < 0) {
            throw new DatasetFormatException("the .npz entry '" + entry.getName() + "' does not declare its size");
        }
        if (size > limits.ratioGraceBytes() && size > limits.maxCompressionRatio() * Math.max(1, compressed)) {
            throw new DatasetFormatException("the .npz entry '" + entry.getName() + "' expands from " + compressed
                    + " to " + size + " bytes, more than the allowed ratio of " + limits.maxCompressionRatio()
                    + ":1 (this looks like a zip bomb)");
        }
        return size;
    }

    private static ArrayEntry array(ZipFile zip, ZipEntry entry, String name) throws IOException {
        String where = "array '" + name + "'";
        ArrayEntry.Opener opener = () -> zip.getInputStream(entry);
        NpyHeader header;
        try (InputStream in = opener.open()) {
            header = NpyHeader.read(in, where);
        } catch (ZipException | java.io.EOFException e) {
            throw new DatasetFormatException(where + " has corrupt compressed data (" + e.getMessage() + ")", e);
        }
        if (entry.getSize() != header.dataOffset() + header.dataBytes()) {
            throw new DatasetFormatException(where + " is " + entry.getSize() + " bytes long, but its header "
                    + "promises " + (header.dataOffset() + header.dataBytes()) + " (" + header
                    + "); the entry is truncated or corrupt");
        }
        return new ArrayEntry(name, where, header, opener);
    }
}
