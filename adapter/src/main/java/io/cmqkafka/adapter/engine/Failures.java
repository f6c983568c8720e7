package io.cmqkafka.adapter.engine;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What failed, under the wrappers that futures put around it. */
public final class Failures {

    private Failures() {
    }

    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
