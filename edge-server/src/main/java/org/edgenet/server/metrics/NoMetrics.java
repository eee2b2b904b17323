package org.edgenet.server.metrics;

import io.netty.util.concurrent.Ticker;
import org.edgenet.common.message.LoginStatus;

import java.io.OutputStream;

/** {@link ServerMetrics#NONE}: metrics are off, and the instrumented code pays one empty call. */
final class NoMetrics implements ServerMetrics {
    @Override
    public void login(LoginStatus status) {
    }

    @Override
    public void joined() {
    }

    @Override
    public void loginBusy() {
    }

    @Override
    public void connectionRefused(Refusal reason) {
    }

    @Override
    public void uploaded(int bytes) {
    }

    @Override
    public void uploadRefused(Throwable cause) {
    }

    @Override
    public CommandTimer commandTimer(Ticker ticker) {
        return CommandTimer.NONE;
    }

    @Override
    public long commandsHandled() {
        return 0;
    }

    @Override
    public int joinedDevices() {
        return 0;
    }

    @Override
    public void scrape(OutputStream out) {
    }

    @Override
    public void close() {
    }
}
