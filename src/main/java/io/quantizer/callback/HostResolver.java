package io.quantizer.callback;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Resolves a callback's host name to addresses; the system resolver unless a test replaces it. */
@FunctionalInterface
public interface HostResolver {

    List<InetAddress> resolve(String host) throws UnknownHostException;

    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
