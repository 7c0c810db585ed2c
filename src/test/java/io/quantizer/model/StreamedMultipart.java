package io.quantizer.model;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.quantizer.support.TestAuth;

/**
 * A multipart/form-data request whose file parts are streamed from disk (never read into memory), the way a
 * client uploads a model with its external-data files: part {@code file} is the .onnx, each {@code data} part
 * one external-data file named by its file name. It authenticates with the test admin key.
 */
public final class StreamedMultipart {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String boundary = "----quantizer-" + UUID.randomUUID();
    private final List<HttpRequest.BodyPublisher> body = new ArrayList<>();

    public StreamedMultipart file(String part, String fileName, Path content) throws IOException {
        body.add(text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part + "\"; filename=\""
                + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
        body.add(HttpRequest.BodyPublishers.ofFile(content));
        body.add(text("\r\n"));
        return this;
    }

    /** Uploads a model and its external-data files to {@code /api/v1/models}. */
    public static HttpResponse<String> uploadModel(int port, Path model, List<Path> data) throws Exception {
        StreamedMultipart request = new StreamedMultipart().file("file", model.getFileName().toString(), model);
        for (Path file : data) {
            request.file("data", file.getFileName().toString(), file);
        }
        return request.post(port, "/api/v1/models");
    }

    public HttpResponse<String> post(int port, String path) throws IOException, InterruptedException {
        List<HttpRequest.BodyPublisher> all = new ArrayList<>(body);
        all.add(text("--" + boundary + "--\r\n"));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header(TestAuth.AUTHORIZATION, TestAuth.admin())
                .POST(HttpRequest.BodyPublishers.concat(all.toArray(HttpRequest.BodyPublisher[]::new)))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.BodyPublisher text(String s) {
        return HttpRequest.BodyPublishers.ofString(s, StandardCharsets.US_ASCII);
    }
}
