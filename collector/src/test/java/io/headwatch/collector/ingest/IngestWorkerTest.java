package io.headwatch.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.headwatch.collector.baseline.BaselineTracker;
import io.headwatch.collector.model.AttentionMap;
import io.headwatch.collector.prometheus.OtlpMetricsTranslator;
import io.headwatch.collector.prometheus.SelfMetrics;
import io.headwatch.collector.prometheus.SeriesRegistry;
import io.headwatch.collector.store.ModelSummary;
import io.headwatch.collector.store.PredictionDetail;
import io.headwatch.collector.store.PredictionQuery;
import io.headwatch.collector.store.PredictionStore;
import io.headwatch.collector.store.PredictionSummary;
import io.headwatch.collector.store.StoreException;
import io.headwatch.collector.store.StoredStatistics;
import io.headwatch.collector.store.WriteBatch;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.prometheus.client.CollectorRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The worker answers a request only after its writes are in the store, isolates a request the store
 * refuses, and is started again (and counted) when its loop dies.
 */
class IngestWorkerTest {
  /** A store that records batches; it can be told to refuse or to throw an Error. */
  private static final class RecordingStore implements PredictionStore {
    final List<WriteBatch> batches = new CopyOnWriteArrayList<>();
    final CountDownLatch gate;
    volatile String refuseTrace;
    final AtomicInteger errorsToThrow = new AtomicInteger();

    RecordingStore(CountDownLatch gate) {
      this.gate = gate;
    }

    @Override
    public List<io.headwatch.collector.store.FeedbackOutcome> write(WriteBatch batch)
        throws StoreException {
      try {
        gate.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      if (errorsToThrow.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new OutOfMemoryError("simulated");
      }
      for (WriteBatch.Write w : batch.writes()) {
        if (w instanceof WriteBatch.SpanWrite s && s.span().traceId().equals(refuseTrace)) {
          throw new StoreException("write", new IllegalStateException("refused " + refuseTrace));
        }
      }
      batches.add(batch);
      return List.of();
    }

    @Override
    public List<io.headwatch.collector.store.LabelledSnapshot> labelledSnapshots(
        String model, int limit) {
      return List.of();
    }

    int spansStored() {
      return batches.stream().mapToInt(b -> b.writes().size()).sum();
    }

    @Override
    public long enforceRetention(long nowMillis, long maxAgeMillis, long maxBytes) {
      return 0;
    }

    @Override
    public List<ModelSummary> models() {
      return List.of();
    }

    @Override
    public List<PredictionSummary> find(PredictionQuery q) {
      return List.of();
    }

    @Override
    public Optional<PredictionDetail> byId(long id) {
      return Optional.empty();
    }

    @Override
    public Optional<PredictionDetail> byTraceId(String traceId) {
      return Optional.empty();
    }

    @Override
    public Optional<AttentionMap> attentionMap(long predictionId, int batchIndex) {
      return Optional.empty();
    }

    @Override
    public long enforceAttentionMapBytes(long maxBytes) {
      return 0;
    }

    @Override
    public long attentionMapBytes() {
      return 0;
    }

    @Override
    public List<StoredStatistics> recentStatistics(int limit) {
      return List.of();
    }

    @Override
    public long totalBytes() {
      return 0;
    }

    @Override
    public long predictionCount() {
      return 0;
    }

    @Override
    public long diskBytes() {
      return 0;
    }

    @Override
    public boolean healthy() {
      return true;
    }

    @Override
    public void close() {}
  }

  private static ExportTraceServiceRequest span(int n) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .addSpans(
                            Span.newBuilder()
                                .setTraceId(id(16, n))
                                .setSpanId(id(8, n))
                                .addAttributes(kv("gen_ai.request.model", "m"))
                                .addAttributes(
                                    KeyValue.newBuilder()
                                        .setKey("headwatch.sampled")
                                        .setValue(AnyValue.newBuilder().setBoolValue(true))))))
        .build();
  }

  private static ByteString id(int len, int n) {
    byte[] b = new byte[len];
    b[len - 1] = (byte) n;
    b[0] = 1;
    return ByteString.copyFrom(b);
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  private static String trace(int n) {
    return String.format("01%028x%02x", 0, n);
  }

  private record Rig(IngestQueue queue, IngestWorker worker, CollectorRegistry registry) {}

  private static Rig rig(PredictionStore store) {
    CollectorRegistry registry = new CollectorRegistry();
    SelfMetrics self = new SelfMetrics(registry);
    IngestQueue queue = new IngestQueue(100, 1 << 20);
    IngestWorker worker =
        new IngestWorker(
            queue,
            new OtlpMetricsTranslator(
                new SeriesRegistry(10, Long.MAX_VALUE, 60_000, () -> 0L, self)),
            store,
            new BaselineTracker(10, 60_000, 5),
            self);
    worker.start();
    return new Rig(queue, worker, registry);
  }

  @Test
  void answeredOnlyAfterTheStoreHasTheWrites() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    RecordingStore store = new RecordingStore(gate);
    Rig r = rig(store);
    IngestQueue.Item a = r.queue().offer(span(1), 100, 1);
    IngestQueue.Item b = r.queue().offer(span(2), 100, 1);
    // The store holds the writes back: neither request may be done yet.
    assertFalse(a.done().isDone());
    assertFalse(b.done().isDone());
    gate.countDown();
    a.done().get(60, TimeUnit.SECONDS);
    b.done().get(60, TimeUnit.SECONDS);
    assertEquals(2, store.spansStored());
    assertEquals(0, r.queue().heldBytes(), "bytes released once answered");
    r.worker().drainAndStop(10_000);
  }

  @Test
  void aRequestTheStoreRefusesFailsAloneInItsBatch() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    RecordingStore store = new RecordingStore(gate);
    store.refuseTrace = trace(2);
    Rig r = rig(store);
    IngestQueue.Item a = r.queue().offer(span(1), 1, 1);
    IngestQueue.Item b = r.queue().offer(span(2), 1, 1);
    IngestQueue.Item c = r.queue().offer(span(3), 1, 1);
    gate.countDown();
    a.done().get(60, TimeUnit.SECONDS);
    c.done().get(60, TimeUnit.SECONDS);
    CompletionException e = assertThrows(CompletionException.class, () -> b.done().join());
    assertTrue(e.getCause() instanceof StoreException, e.toString());
    assertEquals(2, store.spansStored());
    assertEquals(
        1.0, r.registry().getSampleValue("headwatch_collector_store_write_failures_total"));
    r.worker().drainAndStop(10_000);
  }

  @Test
  void aWorkerKilledByAnErrorIsRestartedAndCounted() throws Exception {
    CountDownLatch gate = new CountDownLatch(0);
    RecordingStore store = new RecordingStore(gate);
    store.errorsToThrow.set(1);
    Rig r = rig(store);
    IngestQueue.Item first = r.queue().offer(span(1), 1, 1);
    CompletionException e = assertThrows(CompletionException.class, () -> first.done().join());
    assertTrue(e.getCause() instanceof OutOfMemoryError, e.toString());
    // The next request is applied by the restarted worker.
    IngestQueue.Item second = r.queue().offer(span(2), 1, 1);
    second.done().get(60, TimeUnit.SECONDS);
    assertEquals(1, store.spansStored());
    Double restarts =
        r.registry()
            .getSampleValue(
                "headwatch_collector_worker_restarts_total",
                new String[] {"worker"},
                new String[] {"ingest"});
    assertNotNull(restarts);
    assertEquals(1.0, restarts);
    assertTrue(r.worker().running());
    r.worker().drainAndStop(10_000);
  }
}
