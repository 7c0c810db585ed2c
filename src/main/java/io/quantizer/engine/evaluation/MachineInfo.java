package io.quantizer.engine.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.quantizer.engine.runtime.Ort;

/**
 * The machine a measurement ran on. int8 speed (and, through kernel choice, accuracy) depends on the ISA:
 * VNNI dot products (AVX-512 VNNI, AVX-VNNI) and AMX tiles are what make int8 faster than fp32.
 *
 * @param flags the int8-relevant CPU flags present, as /proc/cpuinfo names them
 */
public record MachineInfo(String cpuModel, int logicalProcessors, int intraOpThreads, String os,
                          boolean avx2, boolean avx512Vnni, boolean avxVnni, boolean amx, List<String> flags) {

    /** Flags worth reporting, in /proc/cpuinfo spelling. */
    static final List<String> INTERESTING = List.of("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "avx_vnni",
            "avx_vnni_int8", "amx_tile", "amx_int8", "amx_bf16");

    public static MachineInfo detect() {
        return parse(readCpuInfo(Path.of("/proc/cpuinfo")));
    }

    static MachineInfo parse(String cpuinfo) {
        String model = field(cpuinfo, "model name");
        if (model == null) {
            model = System.getProperty("os.arch");
        }
        String flagLine = field(cpuinfo, "flags");
        Set<String> present = flagLine == null ? Set.of() : Set.of(flagLine.split("\\s+"));
        List<String> flags = INTERESTING.stream().filter(present::contains).toList();
        return new MachineInfo(model, Runtime.getRuntime().availableProcessors(), Ort.intraOpThreads(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                present.contains("avx2"), present.contains("avx512_vnni"), present.contains("avx_vnni"),
                present.stream().anyMatch(f -> f.startsWith("amx")), flags);
    }

    private static String field(String cpuinfo, String name) {
        try (Stream<String> lines = cpuinfo.lines()) {
            return lines.filter(l -> l.startsWith(name))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse(null);
        }
    }

    private static String readCpuInfo(Path path) {
        try {
            return Files.exists(path) ? Files.readString(path) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
