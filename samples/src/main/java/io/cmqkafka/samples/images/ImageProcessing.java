package io.cmqkafka.samples.images;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.qcloud.cmq.Account;
import com.qcloud.cmq.Message;
import com.qcloud.cmq.Queue;
import io.cmqkafka.samples.Cmq;
import java.util.List;

/**
 * Case study 1: online image processing. The web tier puts one message per requested operation on
 * a request queue; competing workers take them, process the image, put the result on a response
 * queue, and only then delete the request. A worker that dies mid-way needs no memory of it: its
 * lease lapses and another worker gets the request.
 */
public final class ImageProcessing {

    public static final String REQUESTS = "image-requests";
    public static final String RESPONSES = "image-responses";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One requested operation on one uploaded image. */
    public record Request(String image, String operation, String storageKey) {
    }

    /** The outcome a worker reports on the response queue. */
    public record Response(String image, String operation, String resultKey, String worker) {
    }

    /** Does the actual image work; returns the storage key of the result. */
    public interface Processor {
        String process(Request r) throws Exception;
    }

    private ImageProcessing() {
    }

    /**
     * Both queues. {@code leaseSeconds} is how long a worker holds a request before another may take
     * it: longer than the slowest operation.
     */
    public static void createQueues(Account a, int leaseSeconds) throws Exception {
        Cmq.queue(a, REQUESTS, leaseSeconds, 0);
        Cmq.queue(a, RESPONSES, 30, 0);
    }

    /** The web tier: one message per operation, so operations of one upload run in parallel. */
    public static void submit(Account a, String image, List<String> operations) throws Exception {
        Queue q = a.getQueue(REQUESTS);
        for (String op : operations) {
            q.send(JSON.writeValueAsString(new Request(image, op, "originals/" + image)));
        }
    }

    /** A worker: receive, process, report, delete; until stopped. */
    public static final class Worker implements Runnable {
        private final Account account;
        private final String name;
        private final Processor processor;
        private volatile boolean running = true;

        public Worker(Account account, String name, Processor processor) {
            this.account = account;
            this.name = name;
            this.processor = processor;
        }

        /** Handles one request if one comes within the long poll; false if none came. */
        public boolean handleOne() throws Exception {
            Queue requests = account.getQueue(REQUESTS);
            Message m = Cmq.receive(requests, 1);
            if (m == null) {
                return false;
            }
            Request r = JSON.readValue(m.msgBody, Request.class);
            String result = processor.process(r);
            account.getQueue(RESPONSES).send(JSON.writeValueAsString(new Response(r.image(), r.operation(), result, name)));
            // Deleted only once the result is stored and announced: a crash before this line means the
            // request is simply processed again by someone else.
            requests.deleteMessage(m.receiptHandle);
            return true;
        }

        @Override
        public void run() {
            while (running) {
                try {
                    handleOne();
                } catch (Exception e) {
                    System.err.println(name + ": " + e);
                }
            }
        }

        public void stop() {
            running = false;
        }
    }

    public static Response parseResponse(String body) throws Exception {
        return JSON.readValue(body, Response.class);
    }

    /** A short demonstration against {@code CMQ_ENDPOINT}: two workers, one upload of three operations. */
    public static void main(String[] args) throws Exception {
        Account a = Cmq.account();
        createQueues(a, 30);
        submit(a, "cat.jpg", List.of("crop", "thumbnail", "contrast"));
        Worker w1 = new Worker(a, "worker-1", r -> "results/" + r.operation() + "/" + r.image());
        Worker w2 = new Worker(a, "worker-2", r -> "results/" + r.operation() + "/" + r.image());
        for (int done = 0; done < 3;) {
            done += (w1.handleOne() ? 1 : 0) + (w2.handleOne() ? 1 : 0);
        }
        for (Message m : Cmq.receive(a.getQueue(RESPONSES), 16, 1)) {
            System.out.println("done: " + m.msgBody);
            a.getQueue(RESPONSES).deleteMessage(m.receiptHandle);
        }
    }
}
