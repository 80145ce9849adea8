package io.github.ohlcv4j.examples.notebook;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs snippets in this JVM, on the calling thread, and keeps the value of each one as an object
 * rather than as JShell's display string, so that the runner can render it as JJava does (a {@code
 * String} as itself, a {@code BufferedImage} as a PNG). JShell gets a key in place of the value;
 * {@link #take(String)} turns the key back into the object.
 *
 * <p>Classes load through JShell's default loader, whose parent is the system class loader: the
 * snippets see the same ohlcv4j classes as the test that runs them.
 */
final class ValueCapturingExecutionControl extends DirectExecutionControl {

  private static final String KEY_PREFIX = "value#";

  private final Map<String, Object> values = new HashMap<>();
  private long next;

  @Override
  protected String invoke(Method doitMethod) throws Exception {
    Object value = doitMethod.invoke(null);
    String key = KEY_PREFIX + next++;
    values.put(key, value);
    return key;
  }

  /**
   * The object a snippet produced, by the key JShell reported as its value; {@code null} for a null
   * value or an unknown key.
   */
  Object take(String key) {
    return values.remove(key);
  }

  /** Forgets values nobody took (those of declarations and statements). */
  void clear() {
    values.clear();
  }

  /** Hands this control to a {@code JShell.Builder}. */
  ExecutionControlProvider provider() {
    ExecutionControl control = this;
    return new ExecutionControlProvider() {
      @Override
      public String name() {
        return "ohlcv4j-notebook";
      }

      @Override
      public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        return control;
      }
    };
  }
}
