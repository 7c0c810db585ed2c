package io.quantizer.dataset;

import java.io.IOException;
import java.net.URI;
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
import io.quantizer.system.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@RequestMapping("/api/v1/datasets")
@Tag(name = "Datasets", description = "Upload calibration and evaluation data as NumPy .npz/.npy")
class DatasetController {

    private final DatasetService datasets;
    private final BlobDownloads downloads;

    DatasetController(DatasetService datasets, BlobDownloads downloads) {
        this.datasets = datasets;
        this.downloads = downloads;
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "uploadDataset", summary = "Upload a data set",
            description = "A .npz (numpy.savez or savez_compressed: one array per model input, named like the "
                    + "input, plus optional labels named 'label', 'labels' or 'y') or a .npy (numpy.save: one "
                    + "input). The first dimension is the sample dimension and must agree across arrays. NumPy "
                    + "format 1.0-3.0, either byte order, bool/int/uint/float16/32/64. Uploading the same bytes "
                    + "again creates a new data set that shares the stored object.")
    @ApiResponse(responseCode = "201", description = "Stored; Location names the new data set")
    @ApiResponse(responseCode = "413", description = "File over quantizer.upload.max-size, or the name part "
            + "over quantizer.api.max-json-size",
            content = @Content(mediaType = "application/problem+json",
            schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "422", description = "Not a usable data set (details in the problem): e.g. a .npz whose zip directory declares more than "
            + "quantizer.datasets.npz.max-entries entries, an array with a 0 in a dimension after the first, or a "
            + "shape whose data is not in the file",
            content = @Content(mediaType = "application/problem+json",
            schema = @Schema(ref = "#/components/schemas/Problem")))
    ResponseEntity<DatasetDetails> upload(
            @Parameter(description = "the .npz or .npy file", content = @Content(
                    mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
            @RequestPart("file") MultipartFile file,
            @Parameter(description = "display name; defaults to the file name")
            @RequestPart(name = "name", required = false) String name) throws IOException {
        DatasetDetails dataset = datasets.upload(file, name);
        return ResponseEntity.created(URI.create("/api/v1/datasets/" + dataset.id())).body(dataset);
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "listDatasets", summary = "List data sets, newest first")
    PageResponse<DatasetDetails> list(
            @Parameter(description = "page number, from 0") @RequestParam(defaultValue = "0") @Min(0) int page,
            @Parameter(description = "page size, 1 to 100") @RequestParam(defaultValue = "20") @Min(1) @Max(100)
            int size) {
        return datasets.list(page, size);
    }

    @GetMapping(value = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "getDataset", summary = "Get a data set's metadata")
    @ApiResponse(responseCode = "200", description = "The data set's metadata")
    @ApiResponse(responseCode = "404", description = "No such data set",
            content = @Content(mediaType = "application/problem+json",
            schema = @Schema(ref = "#/components/schemas/Problem")))
    DatasetDetails get(@PathVariable UUID id) {
        return datasets.get(id);
    }

    @GetMapping(value = "/{id}/content", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @Operation(operationId = "downloadDataset", summary = "Download the data set's bytes",
            description = "Streamed and byte-identical to the upload; the ETag is the SHA-256.")
    @ApiResponse(responseCode = "200", description = "The .npz or .npy file", content = @Content(
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
        DatasetDetails dataset = datasets.get(id);
        return downloads.download(dataset.sha256(), dataset.sizeBytes(),
                BlobDownloads.filename(dataset.name(), "." + dataset.format()), ifNoneMatch, range);
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteDataset", summary = "Delete a data set",
            description = "Refused with 409 while a quantization job that is not finished uses the data set.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "409", description = "Still used by a job",
            content = @Content(mediaType = "application/problem+json",
            schema = @Schema(ref = "#/components/schemas/Problem")))
    ResponseEntity<Void> delete(@PathVariable UUID id) throws IOException {
        datasets.delete(id);
        return ResponseEntity.noContent().build();
    }
}
