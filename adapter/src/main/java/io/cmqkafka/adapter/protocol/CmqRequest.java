package io.cmqkafka.adapter.protocol;

import io.cmqkafka.adapter.protocol.Limits.IntParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One decoded CMQ request with typed, validating getters. Every getter throws the CMQ error a client
 * should see ({@link CmqException}). Method, host and path are kept for signature verification.
 */
public final class CmqRequest {

    public static final String ACTION = "Action";
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern INDEX = Pattern.compile("[0-9]{1,9}");

    private final String method;
    private final String host;
    private final String path;
    private final Map<String, String> params;
    private final String action;

    /** @param params decoded parameters in wire order (see {@link FormParser}) */
    public CmqRequest(String method, String host, String path, Map<String, String> params) {
        this.method = method;
        this.host = host;
        this.path = path;
        this.params = params;
        String a = params.get(ACTION);
        if (a == null || a.isBlank()) {
            throw CmqError.MISSING_PARAMETER.exception(ACTION);
        }
        this.action = a;
    }

    /** The action as sent; match it case-insensitively (the Java SDK sends ClearSUbscriptionFIlterTags). */
    public String action() {
        return action;
    }

    public String method() {
        return method;
    }

    public String host() {
        return host;
    }

    public String path() {
        return path;
    }

    /** All parameters, raw decoded values, wire order. */
    public Map<String, String> params() {
        return params;
    }

    public String string(String name) {
        String v = params.get(name);
        if (v == null) {
            throw CmqError.MISSING_PARAMETER.exception(name);
        }
        return v;
    }

    /** Null when absent. */
    public String optionalString(String name) {
        return params.get(name);
    }

    /** Queue names the caller's key may see in lists (null: all); set by the authenticator. */
    private java.util.function.Predicate<String> visibleQueues;

    public java.util.function.Predicate<String> visibleQueues() {
        return visibleQueues;
    }

    public void restrictVisibleQueues(java.util.function.Predicate<String> visible) {
        this.visibleQueues = visible;
    }

    /** Topic names the caller's key may see in lists (null: all); set by the authenticator. */
    private java.util.function.Predicate<String> visibleTopics;

    public java.util.function.Predicate<String> visibleTopics() {
        return visibleTopics;
    }

    public void restrictVisibleTopics(java.util.function.Predicate<String> visible) {
        this.visibleTopics = visible;
    }

    /** The {@code queueName} parameter, checked against the name rules. */
    public String queueName() {
        return queueName("queueName");
    }

    /** A parameter naming a queue, checked against the name rules. */
    public String queueName(String param) {
        String name = string(param);
        if (!Limits.QUEUE_NAME.matcher(name).matches()) {
            throw CmqError.QUEUE_NAME_FORMAT.exception();
        }
        return name;
    }

    /** The {@code topicName} parameter, checked against the name rules (4000/10590). */
    public String topicName() {
        String name = string("topicName");
        if (!Limits.TOPIC_NAME.matcher(name).matches()) {
            throw CmqError.TOPIC_NAME_FORMAT.exception();
        }
        return name;
    }

    /** The {@code subscriptionName} parameter, checked against the name rules (4000/10580). */
    public String subscriptionName() {
        String name = string("subscriptionName");
        if (!Limits.SUBSCRIPTION_NAME.matcher(name).matches()) {
            throw CmqError.SUBSCRIPTION_NAME_FORMAT.exception();
        }
        return name;
    }

    /** Null when absent; otherwise an integer within {@code p}'s range. */
    public Long optionalLong(IntParam p) {
        String v = params.get(p.name());
        if (v == null) {
            return null;
        }
        if (!INTEGER.matcher(v).matches()) {
            throw CmqError.WRONG_TYPE.exception(p.name());
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException tooManyDigits) { // beyond 64 bits: out of any range
            throw p.outOfRange().exception(p.name());
        }
        return p.check(n);
    }

    /** Null when absent; ranges used with this getter fit in an int. */
    public Integer optionalInt(IntParam p) {
        Long v = optionalLong(p);
        return v == null ? null : Math.toIntExact(v);
    }

    public long longOrDefault(IntParam p) {
        Long v = optionalLong(p);
        return v != null ? v : p.defaultValue();
    }

    public int intOrDefault(IntParam p) {
        return Math.toIntExact(longOrDefault(p));
    }

    public long requiredLong(IntParam p) {
        Long v = optionalLong(p);
        if (v == null) {
            throw CmqError.MISSING_PARAMETER.exception(p.name());
        }
        return v;
    }

    public int requiredInt(IntParam p) {
        Integer v = optionalInt(p);
        if (v == null) {
            throw CmqError.MISSING_PARAMETER.exception(p.name());
        }
        return v;
    }

    /**
     * An array parameter {@code name.n}: n starts at 0 or 1 and is consecutive; 1..16 items, in order of n.
     */
    public List<String> list(String name) {
        List<String> items = optionalList(name);
        if (items.isEmpty()) {
            throw CmqError.MISSING_PARAMETER.exception(name + ".n");
        }
        if (items.size() < Limits.MIN_BATCH || items.size() > Limits.MAX_BATCH) {
            throw CmqError.BATCH_SIZE.exception(name);
        }
        return items;
    }

    /**
     * An optional array parameter {@code name.n} (n from 0 or 1, consecutive), in order of n; empty when
     * absent. The caller checks the count against its own limit.
     */
    public List<String> optionalList(String name) {
        String prefix = name + ".";
        TreeMap<Integer, String> items = new TreeMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            String index = e.getKey().substring(prefix.length());
            if (!INDEX.matcher(index).matches()) {
                throw CmqError.KEY_FORMAT.exception(Limits.echo(e.getKey()));
            }
            if (items.put(Integer.parseInt(index), e.getValue()) != null) { // "x.1" and "x.01"
                throw CmqError.NOT_REPEATABLE.exception(Limits.echo(e.getKey()));
            }
        }
        if (items.isEmpty()) {
            return new ArrayList<>();
        }
        int first = items.firstKey();
        if (first > 1 || items.lastKey() - first != items.size() - 1) {
            throw CmqError.NOT_CONSECUTIVE.exception(name);
        }
        return new ArrayList<>(items.values());
    }
}
