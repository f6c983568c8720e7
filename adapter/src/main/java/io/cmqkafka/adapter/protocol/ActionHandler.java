package io.cmqkafka.adapter.protocol;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One CMQ action. Completes with the action's response fields (added after code/message/requestId),
 * or fails with {@link CmqException} / the engine's QueueException. Must not block.
 */
@FunctionalInterface
public interface ActionHandler {
    CompletionStage<Map<String, Object>> handle(CmqRequest request);
}
