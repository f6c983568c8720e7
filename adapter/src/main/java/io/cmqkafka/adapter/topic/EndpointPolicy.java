package io.cmqkafka.adapter.topic;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where HTTP subscriptions may push. Two parts:
 * <ul>
 * <li>{@link #checkSyntax}: a strict URL check at Subscribe (http or https, a host, no blanks, no user info,
 * no fragment, printable ASCII, at most {@code maxChars}).</li>
 * <li>The operator's allow-list ({@code cmq.topic.allowed-endpoints}): host names ({@code hooks.example.com}),
 * domain wildcards ({@code *.example.com}) and networks in CIDR notation ({@code 10.1.0.0/16},
 * {@code fd00::/8}, a single address). Empty: any endpoint. A host-name entry allows that name; a network
 * entry allows a URL whose host (a literal address or every address its name resolves to) lies inside.
 * Checked at Subscribe and again, with a fresh DNS lookup, before every push.</li>
 * </ul>
 * Why: the service pushes from inside the operator's network, so without a list anyone allowed to
 * Subscribe could make it send requests to internal services (cloud metadata at 169.254.169.254, admin
 * ports, the Kafka brokers): server-side request forgery.
 */
public final class EndpointPolicy {

    public enum Verdict { OK, BLANK, FORMAT }

    private final List<String> hosts = new ArrayList<>();
    private final List<String> domains = new ArrayList<>();
    private final List<byte[][]> networks = new ArrayList<>(); // {address, mask}
    private final boolean any;

    /** @throws IllegalArgumentException for an entry that is neither a host name, a wildcard nor a network */
    public EndpointPolicy(List<String> allowed) {
        boolean anyEntry = allowed.isEmpty();
        for (String raw : allowed) {
            String e = raw.strip().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) {
                continue;
            }
            if (e.equals("*")) {
                anyEntry = true;
            } else if (e.startsWith("*.")) {
                domains.add(e.substring(1));
            } else if (e.contains("/") || isLiteralAddress(e)) {
                networks.add(network(e));
            } else if (e.matches("[a-z0-9.-]+")) {
                hosts.add(e);
            } else {
                throw new IllegalArgumentException("cmq.topic.allowed-endpoints: cannot read entry '" + raw + "'");
            }
        }
        this.any = anyEntry;
    }

    public static final EndpointPolicy ANY = new EndpointPolicy(List.of());

    /** Strict URL syntax; the caller maps BLANK to 4510/10570 and FORMAT (and length) to 4000/10500. */
    public static Verdict checkSyntax(String url, int maxChars) {
        if (url == null || url.isEmpty() || url.length() > maxChars) {
            return Verdict.FORMAT;
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                return Verdict.BLANK;
            }
            if (c < 0x21 || c > 0x7e) {
                return Verdict.FORMAT;
            }
        }
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            return Verdict.FORMAT;
        }
        String scheme = u.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            return Verdict.FORMAT;
        }
        if (u.isOpaque() || u.getHost() == null || u.getHost().isEmpty() || u.getRawUserInfo() != null
                || u.getRawFragment() != null) {
            return Verdict.FORMAT;
        }
        if (u.getPort() == 0 || u.getPort() > 65535) {
            return Verdict.FORMAT;
        }
        if (u.getRawAuthority() == null || u.getRawAuthority().contains("@")) {
            return Verdict.FORMAT;
        }
        return Verdict.OK;
    }

    public boolean allowsAnything() {
        return any;
    }

    /**
     * Null if a push to {@code url} (syntax already checked) is allowed now, otherwise why not. May resolve
     * the host name (blocking).
     */
    public String refusal(String url) {
        if (any) {
            return null;
        }
        String host = URI.create(url).getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (hosts.contains(host)) {
            return null;
        }
        for (String d : domains) {
            if (host.endsWith(d)) {
                return null;
            }
        }
        if (networks.isEmpty()) {
            return "host " + host + " is not in cmq.topic.allowed-endpoints";
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return "host " + host + " does not resolve";
        }
        for (InetAddress a : addresses) {
            if (!inNetworks(a)) {
                return "address " + a.getHostAddress() + " of " + host + " is not in cmq.topic.allowed-endpoints";
            }
        }
        return null;
    }

    private boolean inNetworks(InetAddress a) {
        byte[] b = a.getAddress();
        for (byte[][] n : networks) {
            if (n[0].length != b.length) {
                continue;
            }
            boolean in = true;
            for (int i = 0; i < b.length && in; i++) {
                in = (b[i] & n[1][i]) == (n[0][i] & n[1][i]);
            }
            if (in) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLiteralAddress(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }

    private static byte[][] network(String cidr) {
        String[] parts = cidr.split("/", 2);
        if (!isLiteralAddress(parts[0])) {
            throw new IllegalArgumentException("cmq.topic.allowed-endpoints: not an address: " + cidr);
        }
        byte[] addr;
        try {
            addr = InetAddress.getByName(parts[0]).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cmq.topic.allowed-endpoints: not an address: " + cidr);
        }
        int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : addr.length * 8;
        if (bits < 0 || bits > addr.length * 8) {
            throw new IllegalArgumentException("cmq.topic.allowed-endpoints: bad prefix length: " + cidr);
        }
        byte[] mask = new byte[addr.length];
        for (int i = 0; i < mask.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            mask[i] = (byte) (0xff << (8 - keep));
        }
        return new byte[][] {addr, mask};
    }
}
