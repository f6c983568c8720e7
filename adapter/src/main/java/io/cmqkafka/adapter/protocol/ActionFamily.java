package io.cmqkafka.adapter.protocol;

import java.util.Map;

/**
 * A group of actions (queue, message, later topic, subscription). Implementations are CDI beans; the
 * dispatcher picks up every one, so a new family is just a new class.
 */
public interface ActionFamily {

    /** Action name as CMQ spells it (matched case-insensitively) to its handler. */
    Map<String, ActionHandler> actions();
}
