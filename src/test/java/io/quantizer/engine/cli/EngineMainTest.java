package io.quantizer.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quantizer.engine.TestData;
import io.quantizer.engine.TinyModels;
import io.quantizer.engine.runtime.Ort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EngineMainTest {

    @TempDir
    Path dir;
    private Path model;
    private Path calibration;
    private Path outModel;
    private Path outReport;

    @BeforeEach
    void files() throws Exception {
        model = dir.resolve("m.onnx");
        Files.write(model, TinyModels.classifier().toByteArray());
        calibration = new TestData().floats("x", TestData.uniform(new Random(1), 40 * 64, 0f, 1f), 40, 1, 8, 8)
                .write(dir.resolve("c.npz"));
        outModel = dir.resolve("out/q.onnx");
        outReport = dir.resolve("out/report.json");
    }

    @Test
    void aSuccessfulRunWritesBothFilesAndReportsProgressThatMovesForward() throws Exception {
        Path recipe = Files.writeString(dir.resolve("r.json"), "{\"calibration\": {\"method\": \"percentile\"}}");
        Run run = run("--model", model.toString(), "--calibration", calibration.toString(), "--recipe",
                recipe.toString(), "--output-model", outModel.toString(), "--output-report", outReport.toString(),
                "--threads", Integer.toString(Ort.intraOpThreads()));

        assertThat(run.code).as(run.output).isZero();
        assertThat(outModel).exists();
        JsonNode report = JsonMapper.builder().build().readTree(outReport.toFile());
        assertThat(report.get("summary").get("quantizedModel").get("sizeBytes").asLong()).isEqualTo(Files.size(outModel));
        assertThat(report.get("summary").get("evaluation").get("dataset").asString()).isEqualTo("calibration");
        assertThat(report.get("details").get("calibration").get("method").asString()).isEqualTo("percentile");
        List<EngineProtocol.Progress> progress = run.progress();
        assertThat(progress).extracting(EngineProtocol.Progress::stage).contains(EngineProtocol.Stage.CALIBRATING,
                EngineProtocol.Stage.QUANTIZING, EngineProtocol.Stage.EVALUATING);
        assertThat(progress).extracting(EngineProtocol.Progress::fraction).isSorted().last().isEqualTo(1.0);
        assertThat(run.error()).isEmpty();
        assertThat(dir.resolve("out")).isDirectoryNotContaining("glob:**.part");
    }

    @Test
    void aRecipeWithUnknownFieldsIsAnInputError() throws Exception {
        Path recipe = Files.writeString(dir.resolve("r.json"), "{\"calibrationMethod\": \"minmax\"}");
        Run run = run("--model", model.toString(), "--calibration", calibration.toString(), "--recipe",
                recipe.toString(), "--output-model", outModel.toString(), "--output-report", outReport.toString());
        assertThat(run.code).isEqualTo(EngineProtocol.EXIT_INPUT_ERROR);
        assertThat(run.error()).hasValueSatisfying(e -> assertThat(e).contains("recipe").contains("calibrationMethod"));
        assertThat(outModel).doesNotExist();
        assertThat(outReport).doesNotExist();
    }

    @Test
    void aFileThatIsNotAModelIsAnInputError() throws Exception {
        Path junk = Files.write(dir.resolve("junk.onnx"), "definitely not protobuf".getBytes(StandardCharsets.UTF_8));
        Run run = run("--model", junk.toString(), "--calibration", calibration.toString(),
                "--output-model", outModel.toString(), "--output-report", outReport.toString());
        assertThat(run.code).isEqualTo(EngineProtocol.EXIT_INPUT_ERROR);
        assertThat(run.error()).isPresent();
        assertThat(outModel).doesNotExist();
    }

    @Test
    void dataThatDoesNotFitTheModelIsAnInputErrorNamingTheTensor() throws Exception {
        Path wrong = new TestData().floats("x", new float[10 * 3], 10, 3).write(dir.resolve("w.npz"));
        Run run = run("--model", model.toString(), "--calibration", wrong.toString(),
                "--output-model", outModel.toString(), "--output-report", outReport.toString());
        assertThat(run.code).isEqualTo(EngineProtocol.EXIT_INPUT_ERROR);
        assertThat(run.error()).hasValueSatisfying(e -> assertThat(e).contains("'x'"));
    }

    @Test
    void aMissingInputFileIsAnInputError() throws Exception {
        Run run = run("--model", dir.resolve("absent.onnx").toString(), "--calibration", calibration.toString(),
                "--output-model", outModel.toString(), "--output-report", outReport.toString());
        assertThat(run.code).isEqualTo(EngineProtocol.EXIT_INPUT_ERROR);
        assertThat(run.error()).hasValueSatisfying(e -> assertThat(e).contains("absent.onnx"));
    }

    @Test
    void aBadCommandLineIsAnInternalError() {
        Run run = run("--model", model.toString(), "--colibration", "x");
        assertThat(run.code).isEqualTo(EngineProtocol.EXIT_INTERNAL_ERROR);
        assertThat(run.error()).hasValueSatisfying(e -> assertThat(e).contains("--colibration"));
    }

    private static Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = EngineMain.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    private record Run(int code, String output) {
        List<EngineProtocol.Progress> progress() {
            List<EngineProtocol.Progress> p = new ArrayList<>();
            output.lines().forEach(l -> EngineProtocol.parseProgress(l).ifPresent(p::add));
            return p;
        }

        Optional<String> error() {
            return output.lines().map(EngineProtocol::parseError).flatMap(Optional::stream).findFirst();
        }
    }
}
