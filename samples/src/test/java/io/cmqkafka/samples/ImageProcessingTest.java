package io.cmqkafka.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.qcloud.cmq.Account;
import com.qcloud.cmq.Message;
import io.cmqkafka.samples.images.ImageProcessing;
import io.cmqkafka.samples.images.ImageProcessing.Response;
import io.cmqkafka.samples.images.ImageProcessing.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Case study 1 end to end: competing workers, one of which dies holding a request. */
class ImageProcessingTest {

    @Test
    void everyOperationIsDoneOnceEvenWhenAWorkerDiesHoldingOne() throws Exception {
        Account a = LocalService.account();
        ImageProcessing.createQueues(a, 2); // a short lease, so the dead worker's request comes back soon
        List<String> ops = List.of("crop", "red-eye", "whiten", "recolour", "contrast", "thumbnail");
        Set<String> expected = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 5; i++) {
            ImageProcessing.submit(a, "photo-" + i + ".jpg", ops);
            for (String op : ops) {
                expected.add("photo-" + i + ".jpg/" + op);
            }
        }

        // A worker that takes one request and crashes: no response, no delete.
        Message taken = Cmq.receive(a.getQueue(ImageProcessing.REQUESTS), 5);
        assertThat(taken).isNotNull();

        // Never two holders of one request at once: each request is marked while it is processed.
        Map<String, String> inProgress = new ConcurrentHashMap<>();
        List<String> overlaps = new ArrayList<>();
        ImageProcessing.Processor slowEnough = r -> {
            String key = r.image() + "/" + r.operation();
            if (inProgress.putIfAbsent(key, Thread.currentThread().getName()) != null) {
                synchronized (overlaps) {
                    overlaps.add(key);
                }
            }
            Thread.sleep(20);
            inProgress.remove(key);
            return "results/" + key;
        };
        List<Worker> workers = List.of(new Worker(a, "w1", slowEnough), new Worker(a, "w2", slowEnough),
                new Worker(a, "w3", slowEnough));
        List<Thread> threads = new ArrayList<>();
        for (Worker w : workers) {
            Thread t = new Thread(w, "worker-" + threads.size());
            t.start();
            threads.add(t);
        }

        Map<String, Response> responses = new ConcurrentHashMap<>();
        List<String> duplicates = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (responses.size() < expected.size() && System.currentTimeMillis() < deadline) {
            for (Message m : Cmq.receive(a.getQueue(ImageProcessing.RESPONSES), 16, 1)) {
                Response r = ImageProcessing.parseResponse(m.msgBody);
                if (responses.putIfAbsent(r.image() + "/" + r.operation(), r) != null) {
                    duplicates.add(r.image() + "/" + r.operation());
                }
                a.getQueue(ImageProcessing.RESPONSES).deleteMessage(m.receiptHandle);
            }
        }
        workers.forEach(Worker::stop);
        for (Thread t : threads) {
            t.join(10_000);
        }

        assertThat(responses.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(duplicates).as("operations done twice").isEmpty();
        assertThat(overlaps).as("requests held by two workers at once").isEmpty();
        // the dead worker's request was processed by a live one after its lease lapsed
        assertThat(Cmq.receive(a.getQueue(ImageProcessing.REQUESTS), 1)).as("requests left over").isNull();
        assertThat(responses.values().stream().map(Response::worker).distinct().count()).isGreaterThan(1);
    }
}
