package io.cmqkafka.adapter;

import io.cmqkafka.adapter.engine.EngineClock;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In @QuarkusTest runs the engine uses this clock instead of the system's (the production
 * clock is a @DefaultBean), so tests let leases lapse by moving time, not by sleeping.
 */
@Singleton
public class TestClock implements EngineClock {
    private final AtomicLong offset = new AtomicLong();

    @Override
    public long millis() {
        return System.currentTimeMillis() + offset.get();
    }

    public void advanceSeconds(long s) {
        offset.addAndGet(s * 1000);
    }
}
