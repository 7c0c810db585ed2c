package io.quantizer.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The SSRF guard: which callback URLs and addresses are refused, and what the allow-list lets through. */
class CallbackTargetsTest {

    /** Resolves {@code name.test} hosts from a fixed table; an address literal resolves to itself. */
    private static HostResolver table(Map<String, String> hosts) {
        return host -> {
            String address = hosts.getOrDefault(host, host);
            if (!address.matches("[0-9a-fA-F:.]+")) {
                throw new UnknownHostException(host);
            }
            return List.of(InetAddress.getByName(address));
        };
    }

    private static final CallbackTargets PUBLIC_ONLY = new CallbackTargets(List.of(), table(Map.of(
            "public.test", "93.184.216.34", "metadata.test", "169.254.169.254")));

    @ParameterizedTest
    @ValueSource(strings = {
            "0.0.0.0", "0.1.2.3", "127.0.0.1", "127.255.0.9", "10.0.0.1", "172.16.0.1", "172.31.255.255",
            "192.168.1.1", "100.64.0.1", "169.254.169.254", "224.0.0.1", "239.1.1.1", "240.0.0.1",
            "255.255.255.255", "192.0.0.8", "198.18.0.1",
            "::", "::1", "fe80::1", "febf::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1",
            "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", "::ffff:0.0.0.0",
            "::7f00:1", "::a00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1", "2002:7f00:1::1", "2002:a00:1::"})
    void nonPublicAddressesAreRefusedInEveryForm(String address) {
        String host = address.contains(":") ? "[" + address + "]" : address;
        assertThatThrownBy(() -> PUBLIC_ONLY.check("http://" + host + "/hook"))
                .isInstanceOf(CallbackTargets.Refused.class)
                .hasMessageContaining("resolves to");
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
            "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"})
    void publicAddressesPass(String address) throws Exception {
        String host = address.contains(":") ? "[" + address + "]" : address;
        assertThat(PUBLIC_ONLY.check("https://" + host + ":8443/hook?x=1")).hasSize(1);
    }

    @Test
    void aHostNameIsJudgedByWhatItResolvesTo() throws Exception {
        assertThat(PUBLIC_ONLY.check("https://public.test/hook")).extracting(InetAddress::getHostAddress)
                .containsExactly("93.184.216.34");
        assertThatThrownBy(() -> PUBLIC_ONLY.check("http://metadata.test/latest/meta-data"))
                .isInstanceOf(CallbackTargets.Refused.class)
                .hasMessageContaining("169.254.169.254").hasMessageContaining("link-local");
        assertThatThrownBy(() -> PUBLIC_ONLY.check("http://nowhere.test/"))
                .isInstanceOf(CallbackTargets.Refused.class).hasMessageContaining("does not resolve");
    }

    @Test
    void theAllowListLetsNamedRangesThroughAndNothingElse() throws Exception {
        CallbackTargets allowing = new CallbackTargets(List.of("10.20.0.0/16", "127.0.0.1/32", "fd00::/8"),
                table(Map.of()));

        assertThat(allowing.check("http://10.20.3.4/hook")).hasSize(1);
        assertThat(allowing.check("http://127.0.0.1:8080/hook")).hasSize(1);
        assertThat(allowing.check("http://[::ffff:127.0.0.1]:8080/hook")).hasSize(1);
        assertThat(allowing.check("http://[fd00::5]/hook")).hasSize(1);
        assertThatThrownBy(() -> allowing.check("http://10.21.0.1/hook")).isInstanceOf(CallbackTargets.Refused.class);
        assertThatThrownBy(() -> allowing.check("http://127.0.0.2/hook")).isInstanceOf(CallbackTargets.Refused.class);
        assertThatThrownBy(() -> allowing.check("http://169.254.169.254/")).isInstanceOf(CallbackTargets.Refused.class);
    }

    @Test
    void aBadAllowListEntryStopsStartup() {
        assertThatThrownBy(() -> new CallbackTargets(List.of("internal.example.com"), table(Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quantizer.callbacks.allow");
        assertThatThrownBy(() -> new CallbackTargets(List.of("10.0.0.0/33"), table(Map.of())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void urlsMustBeShortAbsoluteHttpWithoutUserInfo() {
        String longUrl = "https://public.test/" + "a".repeat(CallbackTargets.MAX_LENGTH);
        assertThatThrownBy(() -> CallbackTargets.parse(longUrl)).hasMessageContaining("at most 2048");
        assertThatThrownBy(() -> CallbackTargets.parse("ftp://public.test/x")).hasMessageContaining("http or https");
        assertThatThrownBy(() -> CallbackTargets.parse("file:///etc/passwd")).hasMessageContaining("http or https");
        assertThatThrownBy(() -> CallbackTargets.parse("/relative/hook")).hasMessageContaining("http or https");
        assertThatThrownBy(() -> CallbackTargets.parse("http:///nohost")).hasMessageContaining("no host");
        assertThatThrownBy(() -> CallbackTargets.parse("http://user:pw@public.test/"))
                .hasMessageContaining("user info");
        assertThatThrownBy(() -> CallbackTargets.parse("http://public.test/a b")).hasMessageContaining("not a valid");
        assertThatThrownBy(() -> CallbackTargets.parse(" ")).hasMessageContaining("empty");
    }
}
