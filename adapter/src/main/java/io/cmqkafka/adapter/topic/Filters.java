package io.cmqkafka.adapter.topic;

import java.util.List;

/**
 * CMQ's subscription filters (cmq-api.md §2.7), as pure functions.
 *
 * <p>Tags (topic filterType 1): a subscription without filter tags receives everything; one with tags
 * receives a message only if the message carries at least one of them (an untagged message reaches no
 * tag-filtered subscription).
 *
 * <p>Routing keys (filterType 2): words separated by dots; in a binding key {@code *} matches exactly one
 * (non-empty) word and {@code #} zero or more words, AMQP-topic style ({@code 1.*.0} matches {@code 1.x.0};
 * {@code 1.#.0} matches {@code 1.0} and {@code 1.2.3.4.4.2.2.0}). A subscription matches if any of its
 * binding keys does; one without binding keys receives everything.
 */
public final class Filters {

    private Filters() {
    }

    /** Does a message with {@code msgTags} / {@code routingKey} reach {@code sub} on a topic of {@code filterType}? */
    public static boolean matches(int filterType, SubscriptionRecord sub, List<String> msgTags, String routingKey) {
        if (filterType == 2) {
            return matchesAnyBindingKey(sub.bindingKeys(), routingKey);
        }
        return tagsMatch(sub.filterTags(), msgTags);
    }

    public static boolean tagsMatch(List<String> filterTags, List<String> msgTags) {
        if (filterTags.isEmpty()) {
            return true;
        }
        for (String t : msgTags) {
            if (filterTags.contains(t)) {
                return true;
            }
        }
        return false;
    }

    public static boolean matchesAnyBindingKey(List<String> bindingKeys, String routingKey) {
        if (bindingKeys.isEmpty()) {
            return true;
        }
        if (routingKey == null) {
            return false;
        }
        for (String b : bindingKeys) {
            if (routingKeyMatches(b, routingKey)) {
                return true;
            }
        }
        return false;
    }

    /** One binding key against one routing key. */
    public static boolean routingKeyMatches(String bindingKey, String routingKey) {
        String[] pattern = bindingKey.split("\\.", -1);
        String[] words = routingKey.split("\\.", -1);
        // match[i][j]: pattern[i..] matches words[j..]; keys have at most 16 words, so this is tiny.
        boolean[][] match = new boolean[pattern.length + 1][words.length + 1];
        match[pattern.length][words.length] = true;
        for (int i = pattern.length - 1; i >= 0; i--) {
            for (int j = words.length; j >= 0; j--) {
                String p = pattern[i];
                if ("#".equals(p)) {
                    match[i][j] = match[i + 1][j] || (j < words.length && match[i][j + 1]);
                } else if (j < words.length) {
                    boolean word = "*".equals(p) ? !words[j].isEmpty() : p.equals(words[j]);
                    match[i][j] = word && match[i + 1][j + 1];
                }
            }
        }
        return match[0][0];
    }
}
