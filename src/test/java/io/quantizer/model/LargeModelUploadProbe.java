package io.quantizer.model;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.util.unit.DataSize;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quantizer.model.onnx.OnnxMetadataReader;
import io.quantizer.model.onnx.OnnxModelInfo;
import io.quantizer.storage.StagedUpload;
import io.quantizer.storage.UploadProperties;
import io.quantizer.storage.UploadStager;

/**
 * Child-JVM entry point of {@link LargeModelUploadMemoryTest}: streams a model file through the upload stager
 * (temp file + SHA-256 + size cap) and the metadata reader, the same steps as {@code POST /api/v1/models} before
 * anything is stored, and prints what it found. Run with a small {@code -Xmx}.
 */
public final class LargeModelUploadProbe {

    private LargeModelUploadProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path tempDir = Path.of(args[1]);
        UploadStager stager = new UploadStager(new UploadProperties(DataSize.ofGigabytes(2), tempDir),
                new SimpleMeterRegistry());
        try (InputStream in = Files.newInputStream(model);
             StagedUpload staged = stager.stage(in, "model")) {
            OnnxModelInfo info = new OnnxMetadataReader().read(staged.path());
            System.out.println("sha256=" + staged.sha256());
            System.out.println("size=" + staged.sizeBytes());
            System.out.println("parameters=" + info.parameterCount());
            System.out.println("inputs=" + info.inputs());
        }
        System.out.println("maxHeap=" + Runtime.getRuntime().maxMemory());
    }
}
