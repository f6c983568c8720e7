package io.cmqkafka.adapter.health;

import io.cmqkafka.adapter.ServiceRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the lease store's Streams application runs or rebalances: during a rebalance an
 * instance still serves (shards it keeps, forwarding for the others), and marking every instance
 * unready at each membership change would take the whole cluster out of a load balancer.
 */
@Readiness
@ApplicationScoped
public class LeaseStoreReadiness implements HealthCheck {

    @Inject
    ServiceRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        String state = runtime.leaseStoreState();
        return HealthCheckResponse.named("lease-store").status("RUNNING".equals(state) || "REBALANCING".equals(state))
                .withData("state", state).build();
    }
}
