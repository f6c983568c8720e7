package io.cmqkafka.adapter.engine;

import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand, so lease lapses need no sleeping. */
public final class ManualClock implements EngineClock {
    private final AtomicLong now = new AtomicLong(System.currentTimeMillis());

    @Override
    public long millis() {
        return now.get();
    }

    public void advanceSeconds(long s) {
        now.addAndGet(s * 1000);
    }
}
