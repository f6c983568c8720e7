package io.cmqkafka.adapter.protocol.auth;

import io.cmqkafka.adapter.protocol.CmqError;
import io.cmqkafka.adapter.protocol.CmqRequest;
import io.cmqkafka.adapter.protocol.Limits;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Per-SecretId restrictions: which action families a key may use and which queue / topic names (patterns)
 * it may name. Keys without an entry may do everything. A denial is 4000/10461 "no cam authentication".
 * Every parameter that names a queue is checked ({@code queueName}, {@code deadLetterQueueName},
 * {@code targetQueueName}); lists (ListQueue, ListDeadLetterSourceQueues) show only the queues the key
 * may use.
 */
public final class Permissions {

    record Rule(Set<ActionKind> actions, List<Pattern> queues, List<Pattern> topics) {
    }

    private final Map<String, Rule> rules = new HashMap<>();

    /** @throws IllegalArgumentException for an unknown action family */
    public Permissions(Map<String, AuthConfig.Permission> config) {
        config.forEach((id, p) -> {
            Set<ActionKind> kinds = EnumSet.noneOf(ActionKind.class);
            p.actions().forEach(a -> kinds.add(ActionKind.parse(a)));
            rules.put(id, new Rule(kinds, p.queues().stream().map(Permissions::glob).toList(),
                    p.topics().stream().map(Permissions::glob).toList()));
        });
    }

    public boolean restricted(String secretId) {
        return rules.containsKey(secretId);
    }

    public void check(String secretId, CmqRequest request) {
        Rule rule = rules.get(secretId);
        if (rule == null) {
            return;
        }
        ActionKind kind = ActionKind.of(request.action());
        if (!rule.actions().contains(kind)) {
            throw CmqError.NO_PERMISSION.exception(
                    secretId + " may not use " + kind.label() + " actions (" + Limits.echo(request.action()) + ")");
        }
        for (String param : QUEUE_PARAMS) {
            check(secretId, "queue", request.optionalString(param), rule.queues());
        }
        check(secretId, "topic", request.optionalString("topicName"), rule.topics());
        // A queue subscription writes into the queue its endpoint names: the key must be allowed that queue.
        if ("subscribe".equalsIgnoreCase(request.action())
                && "queue".equalsIgnoreCase(request.optionalString("protocol"))) {
            check(secretId, "queue", request.optionalString("endpoint"), rule.queues());
        }
        request.restrictVisibleQueues(name -> matches(name, rule.queues()));
        request.restrictVisibleTopics(name -> matches(name, rule.topics()));
    }

    private static final List<String> QUEUE_PARAMS = List.of("queueName", "deadLetterQueueName", "targetQueueName");

    private static boolean matches(String name, List<Pattern> allowed) {
        // Valid names are at most 64 characters; longer ones are refused before any pattern sees them.
        for (Pattern p : name.length() > 2 * Limits.MAX_ECHO_CHARS ? List.<Pattern>of() : allowed) {
            if (p.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    private static void check(String secretId, String what, String name, List<Pattern> allowed) {
        if (name == null || matches(name, allowed)) {
            return;
        }
        throw CmqError.NO_PERMISSION.exception(secretId + " may not use " + what + " " + Limits.echo(name));
    }

    /** {@code *} any run of characters, {@code ?} one character, everything else literal; case-insensitive. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (String part : glob.strip().split("(?=[*?])|(?<=[*?])")) {
            switch (part) {
                case "*" -> re.append(".*");
                case "?" -> re.append('.');
                default -> re.append(Pattern.quote(part));
            }
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }
}
