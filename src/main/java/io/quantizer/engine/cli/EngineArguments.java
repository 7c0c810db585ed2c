package io.quantizer.engine.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The engine's command line, as {@link EngineProtocol} defines it. */
record EngineArguments(Path model, Path calibration, Path evaluation, Path recipe, Path outputModel,
                       Path outputReport, Integer threads) {

    private static final Set<String> KNOWN = Set.of("--model", "--calibration", "--evaluation", "--recipe",
            "--output-model", "--output-report", "--threads");

    static EngineArguments parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!KNOWN.contains(name)) {
                throw new IllegalArgumentException("unknown argument '" + name + "'; expected " + usage());
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value; expected " + usage());
            }
            if (values.put(name, args[++i]) != null) {
                throw new IllegalArgumentException(name + " given twice");
            }
        }
        Integer threads = null;
        if (values.containsKey("--threads")) {
            try {
                threads = Integer.parseInt(values.get("--threads"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--threads must be a whole number, got " + values.get("--threads"));
            }
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            }
        }
        return new EngineArguments(required(values, "--model"), optional(values, "--calibration"),
                optional(values, "--evaluation"), optional(values, "--recipe"), required(values, "--output-model"),
                required(values, "--output-report"), threads);
    }

    static String usage() {
        return "--model F [--calibration F] [--evaluation F] [--recipe F.json] --output-model F --output-report F.json "
                + "[--threads N]";
    }

    private static Path required(Map<String, String> values, String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(name + " is required; expected " + usage());
        }
        return Path.of(v);
    }

    private static Path optional(Map<String, String> values, String name) {
        String v = values.get(name);
        return v == null ? null : Path.of(v);
    }
}
