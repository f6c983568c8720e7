package io.cmqkafka.adapter.protocol;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Lower-cased action name to handler, built from all {@link ActionFamily} beans. */
public final class ActionRegistry {

    private final Map<String, ActionHandler> handlers = new HashMap<>();

    public ActionRegistry(List<? extends ActionFamily> families) {
        for (ActionFamily family : families) {
            family.actions().forEach((name, handler) -> {
                if (handlers.putIfAbsent(key(name), handler) != null) {
                    throw new IllegalStateException("action " + name + " registered twice");
                }
            });
        }
    }

    /** The handler for {@code action} in any letter case; unknown: 4000/10430. */
    public ActionHandler find(String action) {
        ActionHandler h = handlers.get(key(action));
        if (h == null) {
            throw CmqError.UNKNOWN_ACTION.exception(Limits.echo(action));
        }
        return h;
    }

    private static String key(String action) {
        return action.toLowerCase(Locale.ROOT);
    }
}
