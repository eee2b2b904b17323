package org.edgenet.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The server's metrics in a Micrometer registry scraped in the Prometheus text format. Every
 * meter an event touches is made here, once, so that counting costs an array read and an add;
 * the gauges read the services only when scraped. README.md, section Metrics, lists the names.
 */
public final class PrometheusMetrics implements ServerMetrics {
    /** Histogram buckets of command latency: a few fixed bounds, no percentiles computed per request. */
    static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
            Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofMillis(2500)};

    /** The label of each request type, as the console names its command. */
    static final Map<MessageType, String> COMMANDS = new EnumMap<>(MessageType.class);

    static {
        COMMANDS.put(MessageType.LIST_ACTIVE, "AED");
        COMMANDS.put(MessageType.UPLOAD_BEGIN, "UED");
        COMMANDS.put(MessageType.UPLOAD_END, "UED_END");
        COMMANDS.put(MessageType.COMPUTE, "SCS");
        COMMANDS.put(MessageType.DELETE, "DTE");
        COMMANDS.put(MessageType.DOWNLOAD, "DLD");
        COMMANDS.put(MessageType.LOOKUP_PEER, "UVF");
        COMMANDS.put(MessageType.LEAVE, "OUT");
        COMMANDS.put(MessageType.POST_MESSAGE, "MSG");
        COMMANDS.put(MessageType.READ_MESSAGES, "RDM");
        COMMANDS.put(MessageType.ACK_MESSAGES, "RDM_ACK");
        COMMANDS.put(MessageType.GET_TEMP_ID, "TID");
        COMMANDS.put(MessageType.UPLOAD_CONTACTS, "UCL");
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** By {@link LoginStatus#ordinal()}; null for {@code WELCOME}. */
    private final Counter[] loginReplies = new Counter[LoginStatus.values().length];
    private final Counter joined;
    private final Counter busy;
    private final Counter blocks;
    private final Counter[] connectionsRefused = new Counter[Refusal.values().length];
    private final Counter uploadedBytes;
    /** By {@link ErrorCode#ordinal()}, the last one for a failure that is not a refusal; made when first met. */
    private final AtomicReferenceArray<Counter> uploadsRefused =
            new AtomicReferenceArray<>(ErrorCode.values().length + 1);
    private final Timer[] commands = new Timer[MessageType.values().length];
    private final List<Timer> commandList = new ArrayList<>();
    private final IntSupplier joinedDevices;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /**
     * @param joinedDevices   devices joined now
     * @param storedBytes     bytes of the data files stored, as the data store counts them
     * @param messagesWaiting messages stored and not yet read and confirmed by their recipient
     */
    public PrometheusMetrics(IntSupplier joinedDevices, LongSupplier storedBytes, IntSupplier messagesWaiting) {
        this.joinedDevices = joinedDevices;
        Gauge.builder("edgenet.devices.joined", joinedDevices, IntSupplier::getAsInt).strongReference(true)
                .description("Devices joined now").register(registry);
        Gauge.builder("edgenet.stored", storedBytes, LongSupplier::getAsLong).strongReference(true).baseUnit("bytes")
                .description("Bytes of the data files stored").register(registry);
        Gauge.builder("edgenet.messages.waiting", messagesWaiting, IntSupplier::getAsInt).strongReference(true)
                .description("Messages stored for a recipient that has not confirmed reading them").register(registry);
        Counter wrongPassword = login("wrong_password");
        loginReplies[LoginStatus.INVALID_PASSWORD.ordinal()] = wrongPassword;
        loginReplies[LoginStatus.BLOCKED_NOW.ordinal()] = wrongPassword;
        loginReplies[LoginStatus.UNKNOWN_DEVICE.ordinal()] = login("unknown_device");
        loginReplies[LoginStatus.BLOCKED.ordinal()] = login("blocked");
        loginReplies[LoginStatus.ALREADY_JOINED.ordinal()] = login("already_joined");
        joined = login("joined");
        busy = login("busy");
        blocks = Counter.builder("edgenet.blocks").description("Devices blocked after too many failed logins")
                .register(registry);
        for (Refusal r : Refusal.values()) {
            connectionsRefused[r.ordinal()] = Counter.builder("edgenet.connections.refused").tag("reason", r.label())
                    .description("Connections refused by a limit").register(registry);
        }
        uploadedBytes = Counter.builder("edgenet.uploaded").baseUnit("bytes")
                .description("Bytes of uploads received, refused ones included").register(registry);
        for (Map.Entry<MessageType, String> c : COMMANDS.entrySet()) {
            Timer t = Timer.builder("edgenet.commands").tag("command", c.getValue())
                    .description("Commands from their request to their reply")
                    .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
            commands[c.getKey().ordinal()] = t;
            commandList.add(t);
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Adds meters that only some servers have (a cluster member's), read like the others when scraped. */
    public void bind(MeterBinder meters) {
        meters.bindTo(registry);
    }

    private Counter login(String outcome) {
        return Counter.builder("edgenet.logins").tag("outcome", outcome).description("Logins by outcome")
                .register(registry);
    }

    @Override
    public void login(LoginStatus status) {
        Counter c = loginReplies[status.ordinal()];
        if (c != null) {
            c.increment();
        }
        if (status == LoginStatus.BLOCKED_NOW) {
            blocks.increment();
        }
    }

    @Override
    public void joined() {
        joined.increment();
    }

    @Override
    public void loginBusy() {
        busy.increment();
    }

    @Override
    public void connectionRefused(Refusal reason) {
        connectionsRefused[reason.ordinal()].increment();
    }

    @Override
    public void uploaded(int bytes) {
        uploadedBytes.increment(bytes);
    }

    @Override
    public void uploadRefused(Throwable cause) {
        int i = cause instanceof ProtocolException p ? p.code().ordinal() : uploadsRefused.length() - 1;
        Counter c = uploadsRefused.get(i);
        if (c == null) {
            String reason = i < ErrorCode.values().length ? ErrorCode.values()[i].name().toLowerCase(Locale.ROOT)
                    : "failed";
            // Two threads that race register the same meter: the registry hands both the one counter.
            c = Counter.builder("edgenet.uploads.refused").tag("reason", reason)
                    .description("Uploads refused, by what the device was told").register(registry);
            uploadsRefused.set(i, c);
        }
        c.increment();
    }

    @Override
    public CommandTimer commandTimer(Ticker ticker) {
        return new CommandTimer(commands, ticker);
    }

    @Override
    public long commandsHandled() {
        long n = 0;
        for (Timer t : commandList) {
            n += t.count();
        }
        return n;
    }

    @Override
    public int joinedDevices() {
        return joinedDevices.getAsInt();
    }

    @Override
    public void scrape(OutputStream out) throws IOException {
        registry.scrape(out);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
