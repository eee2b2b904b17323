package org.edgenet.server;

/**
 * Whether the server keeps metrics ({@link org.edgenet.server.metrics.PrometheusMetrics}). Off, the
 * handlers count into {@link org.edgenet.server.metrics.ServerMetrics#NONE} and metrics cost nothing.
 *
 * @param enabled keep the figures that {@code /metrics} serves
 */
public record MetricsSettings(boolean enabled) {
    /** Off: the default, since only the operator's HTTP port serves them. */
    public static MetricsSettings defaults() {
        return new MetricsSettings(false);
    }
}
