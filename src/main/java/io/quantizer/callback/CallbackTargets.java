package io.quantizer.callback;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The SSRF guard of job callbacks: which URLs a job may name and which addresses a callback may connect to.
 * A URL must be absolute http or https, at most {@value #MAX_LENGTH} characters, without user info, and every
 * address its host resolves to must be public: not unspecified, loopback, private (RFC 1918, unique local
 * fc00::/7, site-local), carrier-grade NAT, link-local (so not the cloud metadata service), multicast,
 * broadcast or reserved, in IPv4 or IPv6, including IPv6 forms that embed an IPv4 address (mapped ::ffff:0:0/96,
 * compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16). The operator's allow-list of CIDR ranges overrides
 * this for named ranges (an in-cluster receiver, say).
 * <p>
 * The check runs at submit and again at send time on the addresses the sender then connects to, so a host
 * that resolves elsewhere between the two (DNS rebinding) is caught.
 */
public final class CallbackTargets {

    public static final int MAX_LENGTH = 2048;

    /** A URL or address that may not be used, and why (a sentence for a problem detail). */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final List<Cidr> allowed;
    private final HostResolver resolver;

    public CallbackTargets(List<String> allowList, HostResolver resolver) {
        this.allowed = allowList.stream().map(Cidr::parse).toList();
        this.resolver = resolver;
    }

    /** Parses and checks the URL's form (not its addresses). */
    public static URI parse(String url) throws Refused {
        if (url == null || url.isBlank()) {
            throw new Refused("The callback URL is empty.");
        }
        if (url.length() > MAX_LENGTH) {
            throw new Refused("The callback URL has " + url.length() + " characters; at most " + MAX_LENGTH
                    + " are allowed.");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Refused("The callback URL is not a valid URL: " + e.getReason() + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("The callback URL must use http or https, not '" + scheme + "'.");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new Refused("The callback URL has no host.");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("The callback URL must not carry user info; the callback is signed instead.");
        }
        if (uri.getRawFragment() != null) {
            throw new Refused("The callback URL must not have a fragment.");
        }
        return uri;
    }

    /** Parses the URL, resolves its host and checks every address; returns the checked addresses. */
    public List<InetAddress> check(String url) throws Refused {
        return check(parse(url));
    }

    /** Resolves the URL's host and checks every address; returns the checked addresses, to connect to one. */
    public List<InetAddress> check(URI uri) throws Refused {
        String host = host(uri);
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new Refused("The callback host '" + host + "' does not resolve.");
        }
        if (addresses.isEmpty()) {
            throw new Refused("The callback host '" + host + "' does not resolve.");
        }
        for (InetAddress address : addresses) {
            String why = notPublic(address);
            if (why != null && !isAllowListed(address)) {
                throw new Refused("The callback host '" + host + "' resolves to " + address.getHostAddress()
                        + ", a " + why + " address; callbacks go only to public addresses unless "
                        + "quantizer.callbacks.allow names the range.");
            }
        }
        return addresses;
    }

    /** The host without IPv6 literal brackets. */
    static String host(URI uri) {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    boolean isAllowListed(InetAddress address) {
        byte[] bytes = address.getAddress();
        return allowed.stream().anyMatch(c -> c.contains(bytes));
    }

    /** Null for a public address; otherwise the kind of address it is. */
    static String notPublic(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return notPublicV4(b);
        }
        if (address instanceof Inet6Address) {
            return notPublicV6(b);
        }
        return "unknown kind of";
    }

    private static String notPublicV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        if (a0 == 0) {
            return "unspecified (0.0.0.0/8)";
        }
        if (a0 == 127) {
            return "loopback";
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return "private";
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return "carrier-grade NAT (private)";
        }
        if (a0 == 169 && a1 == 254) {
            return "link-local";
        }
        if (a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0) {
            return "reserved (192.0.0.0/24)";
        }
        if (a0 == 198 && (a1 & 0xfe) == 18) {
            return "reserved (198.18.0.0/15)";
        }
        if (a0 >= 224 && a0 <= 239) {
            return "multicast";
        }
        if (a0 >= 240) {
            return "reserved or broadcast";
        }
        return null;
    }

    private static String notPublicV6(byte[] b) {
        boolean firstTenZero = allZero(b, 0, 10);
        if (firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return embedded(b, 12, "IPv4-mapped");
        }
        if (allZero(b, 0, 12)) {
            if (allZero(b, 12, 15) && (b[15] == 0 || b[15] == 1)) {
                return b[15] == 0 ? "unspecified" : "loopback";
            }
            return embedded(b, 12, "IPv4-compatible");
        }
        if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && allZero(b, 4, 12)) {
            return embedded(b, 12, "NAT64");
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return embedded(b, 2, "6to4");
        }
        int first = b[0] & 0xff;
        if (first == 0xff) {
            return "multicast";
        }
        if (first == 0xfe && (b[1] & 0xc0) == 0x80) {
            return "link-local";
        }
        if (first == 0xfe && (b[1] & 0xc0) == 0xc0) {
            return "site-local (private)";
        }
        if ((first & 0xfe) == 0xfc) {
            return "unique local (private)";
        }
        return null;
    }

    /** Checks the IPv4 address embedded at {@code offset}; names the IPv6 form it came in. */
    private static String embedded(byte[] b, int offset, String form) {
        String why = notPublicV4(Arrays.copyOfRange(b, offset, offset + 4));
        return why == null ? null : why + " (" + form + ")";
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** An address range of the allow-list. IPv4 ranges also match the IPv4-mapped IPv6 form. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            String[] parts = text.strip().split("/", 2);
            try {
                // a literal only: getByName does not resolve a string that is an address
                if (!parts[0].matches("[0-9a-fA-F:.]+")) {
                    throw new IllegalArgumentException("not an IP address");
                }
                byte[] network = InetAddress.getByName(parts[0]).getAddress();
                int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : network.length * 8;
                if (prefix < 0 || prefix > network.length * 8) {
                    throw new IllegalArgumentException("prefix out of range");
                }
                return new Cidr(network, prefix);
            } catch (UnknownHostException | IllegalArgumentException e) {
                throw new IllegalArgumentException("quantizer.callbacks.allow: '" + text
                        + "' is not a CIDR range such as 10.0.0.0/8 or fd00::/8 (" + e.getMessage() + ")", e);
            }
        }

        boolean contains(byte[] address) {
            byte[] candidate = address;
            if (network.length == 4 && address.length == 16 && isMapped(address)) {
                candidate = Arrays.copyOfRange(address, 12, 16);
            }
            if (candidate.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isMapped(byte[] b) {
            return allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        }
    }
}
