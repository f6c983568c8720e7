package io.cmqkafka.adapter.engine;

/** The engine's time source, in epoch millis; tests replace it to move time without sleeping. */
@FunctionalInterface
public interface EngineClock {
    long millis();

    EngineClock SYSTEM = System::currentTimeMillis;
}
