package io.headwatch.collector.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The store's tables (documented in docs/collector.md); created when missing. */
final class StoreSchema {
  private static final String[] DDL = {
    """
    CREATE TABLE IF NOT EXISTS prediction (
      id BIGINT AUTO_INCREMENT PRIMARY KEY,
      trace_id VARCHAR(32) NOT NULL,
      span_id VARCHAR(16) NOT NULL,
      time_nanos BIGINT NOT NULL,
      service VARCHAR(512),
      instance VARCHAR(512),
      model VARCHAR(512),
      operation VARCHAR(256),
      name VARCHAR(1024),
      input_tokens BIGINT,
      duration_nanos BIGINT,
      batch_size BIGINT,
      sampled BOOLEAN,
      status VARCHAR(8),
      attributes CHARACTER LARGE OBJECT,
      layers INT,
      heads INT,
      has_span BOOLEAN NOT NULL,
      snapshots INT NOT NULL,
      max_z DOUBLE PRECISION,
      deviations CHARACTER LARGE OBJECT,
      bytes BIGINT NOT NULL,
      received_millis BIGINT NOT NULL,
      CONSTRAINT prediction_key UNIQUE (trace_id, span_id))""",
    "CREATE INDEX IF NOT EXISTS prediction_time ON prediction(time_nanos)",
    "CREATE INDEX IF NOT EXISTS prediction_model_time ON prediction(model, time_nanos)",
    "CREATE INDEX IF NOT EXISTS prediction_max_z ON prediction(max_z)",
    """
    CREATE TABLE IF NOT EXISTS snapshot (
      prediction_id BIGINT NOT NULL,
      batch_index INT NOT NULL,
      time_nanos BIGINT NOT NULL,
      model VARCHAR(512) NOT NULL,
      input_tokens BIGINT,
      layers INT NOT NULL,
      heads INT NOT NULL,
      statistics CHARACTER LARGE OBJECT NOT NULL,
      deviations CHARACTER LARGE OBJECT NOT NULL,
      attention_maps BINARY LARGE OBJECT,
      attention_maps_kind VARCHAR(8),
      tokens CHARACTER LARGE OBJECT,
      attributes CHARACTER LARGE OBJECT NOT NULL,
      PRIMARY KEY (prediction_id, batch_index),
      FOREIGN KEY (prediction_id) REFERENCES prediction(id) ON DELETE CASCADE)"""
  };

  private StoreSchema() {}

  static void create(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String ddl : DDL) {
        st.execute(ddl);
      }
    }
  }
}
