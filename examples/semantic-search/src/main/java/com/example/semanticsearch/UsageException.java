package com.example.semanticsearch;

/** Thrown for command-line arguments that cannot be used; the message is one line for the user. */
public final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
