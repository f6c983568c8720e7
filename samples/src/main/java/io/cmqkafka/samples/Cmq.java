package io.cmqkafka.samples;

import com.qcloud.cmq.Account;
import com.qcloud.cmq.Message;
import com.qcloud.cmq.Queue;
import com.qcloud.cmq.QueueMeta;
import com.qcloud.cmq.entity.CmqResponse;
import com.qcloud.cmq.Topic;
import com.qcloud.cmq.CMQServerException;
import java.util.List;

/** What every sample needs around the SDK: the endpoint, idempotent creation, "no message" as null. */
public final class Cmq {

    private Cmq() {
    }

    /** The endpoint from {@code CMQ_ENDPOINT} (default the local service), keys from CMQ_SECRET_ID/KEY. */
    public static Account account() {
        return new Account(env("CMQ_ENDPOINT", "http://localhost:8080"), env("CMQ_SECRET_ID", "AKIDsample"),
                env("CMQ_SECRET_KEY", "sample-key"));
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** Creates the queue unless it exists (4460), with the lease length receivers get. */
    public static Queue queue(Account a, String name, int visibilityTimeoutSeconds, int rewindSeconds) throws Exception {
        QueueMeta meta = new QueueMeta();
        meta.visibilityTimeout = visibilityTimeoutSeconds;
        meta.pollingWaitSeconds = 1;
        meta.rewindSeconds = rewindSeconds;
        try {
            a.createQueue(name, meta);
        } catch (CMQServerException e) {
            if (code(e) != 4460) {
                throw e;
            }
        }
        return a.getQueue(name);
    }

    public static Topic topic(Account a, String name) throws Exception {
        try {
            a.createTopic(name, 65536);
        } catch (CMQServerException e) {
            if (code(e) != 4460) {
                throw e;
            }
        }
        return a.getTopic(name);
    }

    /** Subscribes a queue to a topic (protocol queue), unless subscribed already. */
    public static void subscribeQueue(Account a, String topic, String subscription, String queue) throws Exception {
        try {
            a.createSubscribe(topic, subscription, queue, "queue", null, null, "BACKOFF_RETRY", "SIMPLIFIED");
        } catch (CMQServerException e) {
            if (code(e) != 4460) {
                throw e;
            }
        }
    }

    /** One message, long-polling up to {@code waitSeconds}; null when none came. */
    public static Message receive(Queue q, int waitSeconds) throws Exception {
        try {
            return q.receiveMessage(waitSeconds);
        } catch (CMQServerException e) {
            if (code(e) == 7000) {
                return null;
            }
            throw e;
        }
    }

    /** Up to {@code n} messages; empty when none came. */
    public static List<Message> receive(Queue q, int n, int waitSeconds) throws Exception {
        try {
            return q.batchReceiveMessage(n, waitSeconds);
        } catch (CMQServerException e) {
            if (code(e) == 7000) {
                return List.of();
            }
            throw e;
        }
    }

    public static CmqResponse send(Queue q, String body) throws Exception {
        return q.send(body);
    }

    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("code:(-?\\d+)");

    /** The CMQ code of a server error (the SDK keeps it private; its toString shows it). */
    public static int code(CMQServerException e) {
        java.util.regex.Matcher m = CODE.matcher(e.toString());
        return m.find() ? Integer.parseInt(m.group(1)) : Integer.MIN_VALUE;
    }
}
