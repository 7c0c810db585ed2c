package io.quantizer.callback;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * POSTs one callback over HTTP/1.1 to an address that was checked just before, never resolving the host again:
 * the socket connects to that very address, and the URL's host goes only into the {@code Host} header and, for
 * https, into SNI and certificate verification. An HTTP client that resolved the name itself could be sent
 * elsewhere by DNS between the check and the connect. Redirects are not followed (a 3xx is a failed attempt),
 * and only the status line of the answer is read.
 */
final class CallbackSender {

    private static final int MAX_STATUS_LINE = 8192;

    private final Duration timeout;

    CallbackSender(Duration timeout) {
        this.timeout = timeout;
    }

    /** Sends the body and returns the receiver's status code. */
    int post(URI uri, InetAddress address, Map<String, String> headers, byte[] body) throws IOException {
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
        String host = CallbackTargets.host(uri);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(address, port), millis);
            socket.setSoTimeout(millis);
            Socket channel = https ? tls(socket, host, port) : socket;
            OutputStream out = channel.getOutputStream();
            out.write(head(uri, host, port, https, headers, body.length).getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return statusCode(readStatusLine(channel.getInputStream()));
        } finally {
            socket.close();
        }
    }

    private static Socket tls(Socket plain, String host, int port) throws IOException {
        SSLSocket ssl;
        try {
            ssl = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket(plain, host, port, true);
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no TLS context", e);
        }
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        ssl.setSSLParameters(parameters);
        ssl.startHandshake();
        return ssl;
    }

    private static String head(URI uri, String host, int port, boolean https, Map<String, String> headers,
                               int length) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        boolean defaultPort = port == (https ? 443 : 80);
        String hostHeader = (host.contains(":") ? "[" + host + "]" : host) + (defaultPort ? "" : ":" + port);
        StringBuilder head = new StringBuilder()
                .append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("User-Agent: quantizer-callback\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(length).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append("\r\n").toString();
    }

    private static String readStatusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (line.length() >= MAX_STATUS_LINE) {
                throw new IOException("the receiver's status line is longer than " + MAX_STATUS_LINE + " bytes");
            }
            line.append((char) c);
        }
        return line.toString().strip();
    }

    static int statusCode(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].toUpperCase(Locale.ROOT).startsWith("HTTP/")
                || !parts[1].matches("\\d{3}")) {
            throw new IOException("the receiver did not answer with HTTP (status line '"
                    + (statusLine.length() > 80 ? statusLine.substring(0, 80) + "..." : statusLine) + "')");
        }
        return Integer.parseInt(parts[1]);
    }
}
