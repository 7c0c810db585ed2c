package io.quantizer.callback;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One callback attempt on the wire: check the URL, resolve its host and check every address now, at send time,
 * then connect to a checked address (never to a fresh lookup of the name).
 */
final class CallbackPoster {

    private final CallbackTargets targets;
    private final CallbackSender sender;

    CallbackPoster(CallbackTargets targets, CallbackSender sender) {
        this.targets = targets;
        this.sender = sender;
    }

    /** The receiver's status code; {@link CallbackTargets.Refused} when an address may not be reached. */
    int post(String url, Map<String, String> headers, byte[] body) throws CallbackTargets.Refused, IOException {
        URI uri = CallbackTargets.parse(url);
        List<InetAddress> addresses = targets.check(uri);
        return sender.post(uri, addresses.get(0), headers, body);
    }
}
