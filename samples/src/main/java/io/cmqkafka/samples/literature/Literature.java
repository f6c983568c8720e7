package io.cmqkafka.samples.literature;

import com.qcloud.cmq.Account;
import com.qcloud.cmq.Message;
import com.qcloud.cmq.Queue;
import io.cmqkafka.samples.Cmq;
import java.util.ArrayList;
import java.util.List;

/**
 * Case study 4: an online literature site. Monthly-ticket credits are written to a queue and
 * applied asynchronously, each deleted once applied. Logs of many systems are aggregated into a
 * queue that the big-data cluster pulls at its own pace. And after credits were consumed and
 * deleted, the business can rewind the queue to a point in time and consume them again, for
 * reconciliation.
 */
public final class Literature {

    public static final String CREDITS = "ticket-credits";
    public static final String LOGS = "aggregated-logs";

    private Literature() {
    }

    /** Both queues; the credit queue keeps deleted messages for {@code rewindSeconds}, so it can be rewound. */
    public static void setUp(Account a, int rewindSeconds) throws Exception {
        Cmq.queue(a, CREDITS, 30, rewindSeconds);
        Cmq.queue(a, LOGS, 60, 0);
    }

    public static void credit(Account a, String reader, String book, int tickets) throws Exception {
        a.getQueue(CREDITS).send(reader + "," + book + "," + tickets);
    }

    /** Applies and deletes pending credits until none comes within the long poll; returns their bodies. */
    public static List<String> applyCredits(Account a) throws Exception {
        Queue q = a.getQueue(CREDITS);
        List<String> applied = new ArrayList<>();
        while (true) {
            List<Message> batch = Cmq.receive(q, 16, 1);
            if (batch.isEmpty()) {
                return applied;
            }
            List<String> handles = new ArrayList<>();
            for (Message m : batch) {
                applied.add(m.msgBody);
                handles.add(m.receiptHandle);
            }
            q.batchDeleteMessage(handles); // confirmed: done
        }
    }

    /** Reconciliation: consume again every credit produced since {@code fromEpochSecond}, deleted ones included. */
    public static List<String> replaySince(Account a, long fromEpochSecond) throws Exception {
        a.getQueue(CREDITS).rewindQueue((int) fromEpochSecond);
        return applyCredits(a);
    }

    /** A log shipper: sends lines in batches of 16. */
    public static void shipLogs(Account a, List<String> lines) throws Exception {
        Queue q = a.getQueue(LOGS);
        for (int i = 0; i < lines.size(); i += 16) {
            q.batchSendMessage(lines.subList(i, Math.min(lines.size(), i + 16)));
        }
    }

    /** The big-data cluster's puller: takes at most {@code max} lines now, whatever the backlog. */
    public static List<String> pullLogs(Account a, int max) throws Exception {
        Queue q = a.getQueue(LOGS);
        List<String> got = new ArrayList<>();
        while (got.size() < max) {
            List<Message> batch = Cmq.receive(q, Math.min(16, max - got.size()), 1);
            if (batch.isEmpty()) {
                break;
            }
            List<String> handles = new ArrayList<>();
            for (Message m : batch) {
                got.add(m.msgBody);
                handles.add(m.receiptHandle);
            }
            q.batchDeleteMessage(handles);
        }
        return got;
    }

    /** A short demonstration against {@code CMQ_ENDPOINT}: credits, then a replay of them. */
    public static void main(String[] args) throws Exception {
        Account a = Cmq.account();
        setUp(a, 86_400);
        long start = System.currentTimeMillis() / 1000 - 1;
        for (int i = 0; i < 5; i++) {
            credit(a, "reader-" + i, "book-1", 1);
        }
        System.out.println("applied: " + applyCredits(a));
        System.out.println("replayed: " + replaySince(a, start));
    }
}
