package io.cmqkafka.adapter.health;

import io.cmqkafka.adapter.ServiceRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the lease store's Streams application is running (not while it rebalances). */
@Readiness
@ApplicationScoped
public class LeaseStoreReadiness implements HealthCheck {

    @Inject
    ServiceRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        String state = runtime.leaseStoreState();
        return HealthCheckResponse.named("lease-store").status("RUNNING".equals(state))
                .withData("state", state).build();
    }
}
