package io.quantizer.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.web.multipart.MultipartFile;

import io.quantizer.engine.external.ExternalDataRules;
import io.quantizer.model.onnx.ExternalReference;
import io.quantizer.storage.StagedUpload;
import io.quantizer.system.ApiException;

/**
 * Checks a model's external-data references against the files uploaded with it, with the engine's own rules
 * ({@link ExternalDataRules}), before anything is stored: every location a plain file name, every referenced file
 * uploaded, every tensor's bytes inside its file, and no uploaded file that no tensor references (an extra file
 * is refused rather than stored unused, so a wrong upload is noticed at once).
 */
final class ExternalDataCheck {

    /** Problems listed in one refusal; the rest are counted. */
    private static final int MAX_LISTED = 10;

    private ExternalDataCheck() {
    }

    /** The uploaded data files by file name; 422 when a name is unusable or given twice. */
    static Map<String, MultipartFile> byName(List<MultipartFile> files) {
        Map<String, MultipartFile> byName = new LinkedHashMap<>();
        for (MultipartFile file : files == null ? List.<MultipartFile>of() : files) {
            String name = file.getOriginalFilename();
            String problem = ExternalDataRules.locationProblem(name);
            if (problem != null) {
                throw refused("An uploaded external-data file cannot be used: " + problem.replace("its location",
                        "its file name") + ".");
            }
            if (byName.put(name, file) != null) {
                throw refused("The external-data file '" + name + "' was uploaded twice.");
            }
        }
        return byName;
    }

    static void check(List<ExternalReference> references, Map<String, StagedUpload> files) {
        List<String> problems = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        for (ExternalReference ref : references) {
            String problem = ExternalDataRules.locationProblem(ref.location());
            if (problem == null) {
                StagedUpload file = files.get(ref.location());
                if (file == null) {
                    problem = "its file '" + ref.location() + "' was not uploaded with the model";
                } else {
                    used.add(ref.location());
                    problem = ExternalDataRules.boundsProblem(ref.offset(), ref.length(), ref.expectedBytes(),
                            file.sizeBytes());
                }
            }
            if (problem != null) {
                problems.add("tensor '" + shorten(ref.tensor()) + "': " + problem);
            }
        }
        Set<String> unused = new TreeSet<>(files.keySet());
        unused.removeAll(used);
        if (!unused.isEmpty()) {
            problems.add("no tensor references the uploaded file(s) " + String.join(", ", unused)
                    + "; upload only the model's external-data files");
        }
        if (!problems.isEmpty()) {
            String listed = String.join("; ", problems.subList(0, Math.min(MAX_LISTED, problems.size())));
            String more = problems.size() > MAX_LISTED ? " (and " + (problems.size() - MAX_LISTED) + " more)" : "";
            throw refused("The model's external data does not match the uploaded files: " + listed + more + ".");
        }
    }

    private static ApiException refused(String detail) {
        return new ApiException.Unprocessable("invalid-external-data", "Unusable external data", detail);
    }

    private static String shorten(String name) {
        return name.length() <= 64 ? name : name.substring(0, 64) + "...";
    }
}
