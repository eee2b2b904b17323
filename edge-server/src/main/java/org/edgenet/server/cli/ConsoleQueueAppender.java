package org.edgenet.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The server's console (config/logback.xml). Event loops log a line or two per command; this
 * appender only puts the event on a queue, and a thread of its own formats and writes them out in
 * batches: one write to standard output per batch instead of one per line, and no thread to wake
 * per line. Logback's own asynchronous appender takes its queue's one lock twice per line, wakes
 * its writer for a line whenever the writer waits, formats each line's message on the thread that
 * logs it, and its console writes every line on its own.
 *
 * <p>The writer looks at the queue every {@code lingerMillis} while lines come, so a line reaches
 * the console that much later at most; after a quiet spell it sleeps until the next line wakes it.
 * The queue is bounded: once it holds {@code queueSize - discardingThreshold} events, INFO and
 * lower are dropped rather than waited for; WARN and ERROR wait for room (they are rate-limited
 * per peer, so they cannot fill it). Stopping writes out everything queued before the stop.
 *
 * <p>A message is formatted on the writer only when its arguments cannot change meanwhile
 * (strings, numbers, enums, and records of those); any other is formatted before it is queued.
 */
public final class ConsoleQueueAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    /** Quiet looks at the queue after which the writer sleeps until a line wakes it. */
    private static final int QUIET_LOOKS = 50;
    /** A batch is written once it holds this much, however many lines are still queued. */
    private static final int BATCH_BYTES = 64 * 1024;
    /** How long a WARN or ERROR waits between looks for room in a full queue. */
    private static final long FULL_WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Boolean.class, Character.class,
            Byte.class, Short.class, Integer.class, Long.class, Float.class, Double.class,
            BigInteger.class, BigDecimal.class);
    /** Whether a record's components are all values that cannot change, looked at once per class. */
    private static final ClassValue<Boolean> IMMUTABLE_RECORD = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            for (RecordComponent c : type.getRecordComponents()) {
                if (!immutableType(c.getType())) {
                    return false;
                }
            }
            return true;
        }
    };

    private final ConcurrentLinkedQueue<ILoggingEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private Encoder<ILoggingEvent> encoder;
    private volatile OutputStream out = System.out;
    private int queueSize = 8192;
    private int discardingThreshold = -1;
    private int lingerMillis = 20;
    private int maxFlushTime = 2000;
    private Thread writer;
    private volatile boolean stopping;
    /** Set by the writer before it sleeps with no timeout: the next line must wake it. */
    private volatile boolean asleep;

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /** Free places below which INFO and lower are dropped; a fifth of the queue when not set. */
    public void setDiscardingThreshold(int discardingThreshold) {
        this.discardingThreshold = discardingThreshold;
    }

    /** How often the writer looks at the queue while lines come. */
    public void setLingerMillis(int lingerMillis) {
        this.lingerMillis = lingerMillis;
    }

    /** How long a stop waits for the queue to be written out. */
    public void setMaxFlushTime(int maxFlushTime) {
        this.maxFlushTime = maxFlushTime;
    }

    /** Where the lines go instead of standard output; set before the start (tests). */
    void setOutputStream(OutputStream out) {
        this.out = out;
    }

    /** Whether the writer sleeps until the next line (tests). */
    boolean asleep() {
        return asleep;
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (encoder == null) {
            addError("No encoder for the console appender \"" + name + "\"");
            return;
        }
        if (queueSize < 1 || lingerMillis < 1) {
            addError("The console appender \"" + name + "\" needs a queue size and a linger time of at least 1");
            return;
        }
        if (discardingThreshold < 0) {
            discardingThreshold = queueSize / 5;
        }
        stopping = false;
        writer = new Thread(this::writeLoop, "console-writer");
        writer.setDaemon(true);
        super.start();
        writer.start();
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        stopping = true;
        LockSupport.unpark(writer);
        try {
            writer.join(maxFlushTime);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            addWarn("The console appender \"" + name + "\" stopped with " + queued.get() + " lines not written");
        }
        super.stop();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (queued.get() >= queueSize - discardingThreshold && event.getLevel().toInt() <= Level.INFO_INT) {
            return;
        }
        prepare(event);
        while (queued.get() >= queueSize && !stopping) {
            LockSupport.unpark(writer);
            LockSupport.parkNanos(FULL_WAIT_NANOS);
        }
        queue.offer(event);
        // Half full: the writer catches up now rather than at its next look, before lines are dropped.
        if (queued.incrementAndGet() >= queueSize / 2 || asleep) {
            LockSupport.unpark(writer);
        }
    }

    /** Takes from the logging thread what only it knows; the message itself waits if it can. */
    private static void prepare(ILoggingEvent event) {
        if (!(event instanceof LoggingEvent e)) {
            event.prepareForDeferredProcessing();
            return;
        }
        e.getThreadName();
        e.getMDCPropertyMap();
        if (!immutable(e.getArgumentArray())) {
            e.getFormattedMessage();
        }
    }

    static boolean immutable(Object[] args) {
        if (args == null) {
            return true;
        }
        for (Object a : args) {
            if (a != null && !immutableType(a.getClass())) {
                return false;
            }
        }
        return true;
    }

    private static boolean immutableType(Class<?> type) {
        return type.isPrimitive() || IMMUTABLE.contains(type) || type.isEnum()
                || (type.getSuperclass() != null && type.getSuperclass().isEnum())
                || (type.isRecord() && IMMUTABLE_RECORD.get(type));
    }

    private void writeLoop() {
        ByteArrayOutputStream batch = new ByteArrayOutputStream(BATCH_BYTES);
        long lingerNanos = TimeUnit.MILLISECONDS.toNanos(lingerMillis);
        int quiet = 0;
        while (true) {
            boolean last = stopping;
            boolean wrote = drain(batch);
            if (last) {
                return;
            }
            quiet = wrote ? 0 : quiet + 1;
            if (quiet < QUIET_LOOKS) {
                LockSupport.parkNanos(this, lingerNanos);
                continue;
            }
            asleep = true;
            // A line queued before the flag was seen is found here; one queued after it wakes the writer.
            if (queue.isEmpty() && !stopping) {
                LockSupport.park(this);
            }
            asleep = false;
            quiet = 0;
        }
    }

    /** Writes out what is queued, in batches; whether there was anything. */
    private boolean drain(ByteArrayOutputStream batch) {
        boolean any = false;
        ILoggingEvent event;
        while ((event = queue.poll()) != null) {
            queued.decrementAndGet();
            any = true;
            try {
                batch.writeBytes(encoder.encode(event));
            } catch (RuntimeException e) {
                // An argument's toString failed: that line is lost, the console goes on.
                addError("Could not format a console line", e);
            }
            if (batch.size() >= BATCH_BYTES) {
                write(batch);
            }
        }
        write(batch);
        return any;
    }

    private void write(ByteArrayOutputStream batch) {
        if (batch.size() == 0) {
            return;
        }
        try {
            batch.writeTo(out);
            out.flush();
        } catch (IOException e) {
            addError("Could not write to the console", e);
        }
        batch.reset();
    }
}
