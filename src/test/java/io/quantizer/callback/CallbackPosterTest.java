package io.quantizer.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One callback attempt against a real HTTP receiver on loopback, with a scripted resolver standing in for DNS. */
class CallbackPosterTest {

    private HttpServer receiver;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Deque<String> answers = new ArrayDeque<>();

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " host="
                    + exchange.getRequestHeaders().getFirst("Host") + " sig="
                    + exchange.getRequestHeaders().getFirst(CallbackSignature.SIGNATURE) + " "
                    + new String(body, StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private int port() {
        return receiver.getAddress().getPort();
    }

    /** Each lookup of any name takes the next scripted answer. */
    private HostResolver scripted() {
        return host -> List.of(InetAddress.getByName(answers.isEmpty() ? "203.0.113.1" : answers.poll()));
    }

    @Test
    void postsToTheCheckedAddressWithTheUrlsHostInTheHostHeader() throws Exception {
        answers.add("127.0.0.1");
        CallbackPoster poster = new CallbackPoster(new CallbackTargets(List.of("127.0.0.1/32"), scripted()),
                new CallbackSender(Duration.ofSeconds(5)));

        int status = poster.post("http://receiver.test:" + port() + "/hooks/q?run=7",
                Map.of(CallbackSignature.SIGNATURE, "sha256=ab"), "{\"id\":1}".getBytes(StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(202);
        // receiver.test exists in no DNS: the request reached loopback only through the checked address
        assertThat(received).containsExactly("POST /hooks/q?run=7 host=receiver.test:" + port()
                + " sig=sha256=ab {\"id\":1}");
    }

    @Test
    void aHostThatResolvesToAPrivateAddressAtSendTimeIsNotContacted() throws Exception {
        CallbackTargets targets = new CallbackTargets(List.of("127.0.0.1/32"), scripted());
        CallbackPoster poster = new CallbackPoster(targets, new CallbackSender(Duration.ofSeconds(5)));
        String url = "http://rebind.test:" + port() + "/hook";
        answers.add("127.0.0.1");   // at submit
        answers.add("10.0.0.7");    // at send: rebound

        assertThat(targets.check(url)).hasSize(1);
        assertThatThrownBy(() -> poster.post(url, Map.of(), new byte[] {'{', '}'}))
                .isInstanceOf(CallbackTargets.Refused.class)
                .hasMessageContaining("10.0.0.7").hasMessageContaining("private");
        assertThat(received).isEmpty();
    }

    @Test
    void aReceiverThatIsNotHttpIsAFailedAttempt() {
        assertThatThrownBy(() -> CallbackSender.statusCode("SSH-2.0-OpenSSH_9.6"))
                .hasMessageContaining("did not answer with HTTP");
        assertThatThrownBy(() -> CallbackSender.statusCode("")).hasMessageContaining("did not answer with HTTP");
    }
}
