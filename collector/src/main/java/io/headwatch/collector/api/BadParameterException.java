package io.headwatch.collector.api;

/** A query parameter the API cannot use; answered with 400 naming the parameter. */
final class BadParameterException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String parameter;

  BadParameterException(String parameter, String message) {
    super(message);
    this.parameter = parameter;
  }

  String parameter() {
    return parameter;
  }
}
