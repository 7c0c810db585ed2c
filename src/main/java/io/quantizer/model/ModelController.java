package io.quantizer.model;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.quantizer.catalog.BlobDownloads;
import io.quantizer.system.ApiException;
import io.quantizer.system.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@RequestMapping("/api/v1/models")
@Tag(name = "Models", description = "Upload fp32 ONNX models and read their signature")
class ModelController {

    private final ModelService models;
    private final BlobDownloads downloads;

    ModelController(ModelService models, BlobDownloads downloads) {
        this.models = models;
        this.downloads = downloads;
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "uploadModel", summary = "Upload an ONNX model",
            description = "Streams the .onnx to storage while its SHA-256 is computed, reads its graph (not its "
                    + "weights) and returns its signature. Uploading the same bytes again creates a new model that "
                    + "shares the stored object. A model saved with ONNX external data (how models over 2 GB are "
                    + "stored) is uploaded in the same request: one 'data' part per external-data file, its file "
                    + "name exactly the 'location' its tensors reference (a plain file name beside the model). "
                    + "Every referenced file must be there, every tensor's offset and length inside its file, and "
                    + "no file may go unreferenced; otherwise 422 and nothing is stored.")
    @ApiResponse(responseCode = "201", description = "Stored; Location names the new model")
    @ApiResponse(responseCode = "413", description = "A file over quantizer.upload.max-size, all files together "
            + "over quantizer.upload.max-model-size, or the name part over quantizer.api.max-json-size",
            content = @Content(mediaType = "application/problem+json",
            schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "422", description = "Not a usable ONNX model (details in the problem), or its graph over a quantizer.models.onnx.* limit "
            + "(inputs, outputs, dims per tensor, nodes, operator types, name length), which the problem names; "
            + "or (invalid-external-data) its external data does not match the uploaded 'data' parts: a location "
            + "that is absolute, leaves the model's directory or is not a plain file name, a missing file, bytes "
            + "outside their file, or a file no tensor references",
            content = @Content(mediaType = "application/problem+json",
            schema = @Schema(ref = "#/components/schemas/Problem")))
    ResponseEntity<ModelDetails> upload(
            @Parameter(description = "the .onnx file", content = @Content(mediaType = "application/octet-stream",
                    schema = @Schema(type = "string", format = "binary")))
            @RequestPart("file") MultipartFile file,
            @Parameter(description = "the model's external-data files, one part each, named as its tensors' "
                    + "'location' references them", content = @Content(mediaType = "application/octet-stream",
                    array = @ArraySchema(schema = @Schema(type = "string", format = "binary"))))
            @RequestPart(name = "data", required = false) List<MultipartFile> data,
            @Parameter(description = "display name; defaults to the file name")
            @RequestPart(name = "name", required = false) String name) throws IOException {
        ModelDetails model = models.upload(file, data, name);
        return ResponseEntity.created(URI.create("/api/v1/models/" + model.id())).body(model);
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "listModels", summary = "List models, newest first")
    PageResponse<ModelDetails> list(
            @Parameter(description = "page number, from 0") @RequestParam(defaultValue = "0") @Min(0) int page,
            @Parameter(description = "page size, 1 to 100") @RequestParam(defaultValue = "20") @Min(1) @Max(100)
            int size) {
        return models.list(page, size);
    }

    @GetMapping(value = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "getModel", summary = "Get a model's metadata")
    @ApiResponse(responseCode = "200", description = "The model's metadata")
    @ApiResponse(responseCode = "404", description = "No such model",
            content = @Content(mediaType = "application/problem+json",
            schema = @Schema(ref = "#/components/schemas/Problem")))
    ModelDetails get(@PathVariable UUID id) {
        return models.get(id);
    }

    @GetMapping(value = "/{id}/content", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @Operation(operationId = "downloadModel", summary = "Download the model's bytes",
            description = "Streamed and byte-identical to the upload; the ETag is the SHA-256.")
    @ApiResponse(responseCode = "200", description = "The .onnx file", content = @Content(
            mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "206", description = "The one byte range asked for with Range: bytes=first-last "
            + "(a request for several ranges gets the whole file, 200)", content = @Content(
            mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "416", description = "The range starts past the end of the file or is malformed; "
            + "Content-Range gives the size; no body", content = @Content)
    ResponseEntity<Resource> content(@PathVariable UUID id,
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            @RequestHeader(name = HttpHeaders.RANGE, required = false) String range)
            throws IOException {
        ModelDetails model = models.get(id);
        return downloads.download(model.sha256(), model.sizeBytes(), BlobDownloads.filename(model.name(), ".onnx"),
                ifNoneMatch, range);
    }

    @GetMapping(value = "/{id}/external-data/{fileName}", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @Operation(operationId = "downloadModelExternalData", summary = "Download one of the model's external-data files",
            description = "Streamed and byte-identical to the upload, under the name its tensors reference; the "
                    + "ETag is its SHA-256. Ranges work as for the model's content.")
    @ApiResponse(responseCode = "200", description = "The file", content = @Content(
            mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "206", description = "The one byte range asked for", content = @Content(
            mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "404", description = "No such model, or the model has no such file",
            content = @Content(mediaType = "application/problem+json",
            schema = @Schema(ref = "#/components/schemas/Problem")))
    ResponseEntity<Resource> externalData(@PathVariable UUID id, @PathVariable String fileName,
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            @RequestHeader(name = HttpHeaders.RANGE, required = false) String range)
            throws IOException {
        ExternalDataFile file = models.get(id).externalData().stream().filter(f -> f.name().equals(fileName))
                .findFirst().orElseThrow(() -> new ApiException.NotFound("External-data file of model " + id,
                        fileName));
        return downloads.download(file.sha256(), file.sizeBytes(), file.name(), ifNoneMatch, range);
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteModel", summary = "Delete a model",
            description = "Refused with 409 while a quantization job that is not finished uses the model.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "409", description = "Still used by a job",
            content = @Content(mediaType = "application/problem+json",
            schema = @Schema(ref = "#/components/schemas/Problem")))
    ResponseEntity<Void> delete(@PathVariable UUID id) throws IOException {
        models.delete(id);
        return ResponseEntity.noContent().build();
    }
}
