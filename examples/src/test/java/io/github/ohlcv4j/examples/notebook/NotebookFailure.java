package io.github.ohlcv4j.examples.notebook;

/** A notebook cell that did not run: it did not compile, threw, or was incomplete. */
final class NotebookFailure extends AssertionError {
  private static final long serialVersionUID = 1L;

  NotebookFailure(String message) {
    super(message);
  }

  NotebookFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
