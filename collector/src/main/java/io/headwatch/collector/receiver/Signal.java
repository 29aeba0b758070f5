package io.headwatch.collector.receiver;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

/** The three OTLP signals: their HTTP path, request parser and response builder. */
public enum Signal {
  METRICS("metrics", "/v1/metrics") {
    @Override
    Message parse(byte[] body) throws InvalidProtocolBufferException {
      return ExportMetricsServiceRequest.parseFrom(body);
    }

    @Override
    Message.Builder newRequestBuilder() {
      return ExportMetricsServiceRequest.newBuilder();
    }

    @Override
    Message response(long rejected, String message) {
      ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
      if (rejected > 0) {
        b.setPartialSuccess(
            ExportMetricsPartialSuccess.newBuilder()
                .setRejectedDataPoints(rejected)
                .setErrorMessage(message));
      }
      return b.build();
    }
  },
  TRACES("traces", "/v1/traces") {
    @Override
    Message parse(byte[] body) throws InvalidProtocolBufferException {
      return ExportTraceServiceRequest.parseFrom(body);
    }

    @Override
    Message.Builder newRequestBuilder() {
      return ExportTraceServiceRequest.newBuilder();
    }

    @Override
    Message response(long rejected, String message) {
      ExportTraceServiceResponse.Builder b = ExportTraceServiceResponse.newBuilder();
      if (rejected > 0) {
        b.setPartialSuccess(
            ExportTracePartialSuccess.newBuilder()
                .setRejectedSpans(rejected)
                .setErrorMessage(message));
      }
      return b.build();
    }
  },
  LOGS("logs", "/v1/logs") {
    @Override
    Message parse(byte[] body) throws InvalidProtocolBufferException {
      return ExportLogsServiceRequest.parseFrom(body);
    }

    @Override
    Message.Builder newRequestBuilder() {
      return ExportLogsServiceRequest.newBuilder();
    }

    @Override
    Message response(long rejected, String message) {
      ExportLogsServiceResponse.Builder b = ExportLogsServiceResponse.newBuilder();
      if (rejected > 0) {
        b.setPartialSuccess(
            ExportLogsPartialSuccess.newBuilder()
                .setRejectedLogRecords(rejected)
                .setErrorMessage(message));
      }
      return b.build();
    }
  };

  private final String label;
  private final String path;

  Signal(String label, String path) {
    this.label = label;
    this.path = path;
  }

  /** The value of the {@code signal} label on the collector's own metrics. */
  public String label() {
    return label;
  }

  /** The OTLP/HTTP path, e.g. {@code /v1/metrics}. */
  public String path() {
    return path;
  }

  abstract Message parse(byte[] body) throws InvalidProtocolBufferException;

  /** The protobuf type of this signal's export request. */
  com.google.protobuf.Descriptors.Descriptor descriptor() {
    return newRequestBuilder().getDescriptorForType();
  }

  abstract Message.Builder newRequestBuilder();

  /** The export response; partial success when {@code rejected > 0}. */
  abstract Message response(long rejected, String message);

  static Signal byPath(String path) {
    for (Signal s : values()) {
      if (s.path.equals(path)) {
        return s;
      }
    }
    return null;
  }
}
