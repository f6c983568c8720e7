package io.cmqkafka.samples;

import com.qcloud.cmq.Account;
import com.qcloud.cmq.Message;
import com.qcloud.cmq.Queue;
import com.qcloud.cmq.QueueMeta;
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
        unlessExists(() -> a.createQueue(name, meta));
        return a.getQueue(name);
    }

    public static Topic topic(Account a, String name) throws Exception {
        unlessExists(() -> a.createTopic(name, 65536));
        return a.getTopic(name);
    }

    /** Subscribes a queue to a topic (protocol queue), unless subscribed already. */
    public static void subscribeQueue(Account a, String topic, String subscription, String queue) throws Exception {
        unlessExists(() -> a.createSubscribe(topic, subscription, queue, "queue", null, null, "BACKOFF_RETRY",
                "SIMPLIFIED"));
    }

    private interface Creation {
        void run() throws Exception;
    }

    /** Runs a create action; "already exists" (4460) is success: samples may run again on the same service. */
    private static void unlessExists(Creation create) throws Exception {
        try {
            create.run();
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

    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("code:(-?\\d+)");

    /** The CMQ code of a server error (the SDK keeps it private; its toString shows it). */
    public static int code(CMQServerException e) {
        java.util.regex.Matcher m = CODE.matcher(e.toString());
        return m.find() ? Integer.parseInt(m.group(1)) : Integer.MIN_VALUE;
    }
}
