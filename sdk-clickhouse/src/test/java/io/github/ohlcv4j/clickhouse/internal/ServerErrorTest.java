package io.github.ohlcv4j.clickhouse.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import org.junit.jupiter.api.Test;

class ServerErrorTest {

  static final String OLD =
      "Code: 60, e.displayText() = DB::Exception: Table md.nope doesn't exist.,"
          + " e.what() = DB::Exception\n";
  static final String NEW =
      "Code: 60. DB::Exception: Table md.nope does not exist. (UNKNOWN_TABLE) (version"
          + " 23.8.2.7 (official build))\n";

  @Test
  void parsesTheOldFormat() {
    ServerError e = ServerError.parse(OLD).orElseThrow();
    assertEquals(60, e.code());
    assertEquals("Table md.nope doesn't exist.", e.message());
  }

  @Test
  void parsesTheNewFormat() {
    ServerError e = ServerError.parse(NEW).orElseThrow();
    assertEquals(60, e.code());
    assertEquals("Table md.nope does not exist.", e.message());
  }

  @Test
  void ignoresTextThatIsNoError() {
    assertTrue(ServerError.parse("Ok.\n").isEmpty());
    assertTrue(ServerError.parse("<html>Bad gateway</html>").isEmpty());
    assertTrue(ServerError.parse("Code: x, nope").isEmpty());
  }

  private static OhlcvException map(int status, String body) {
    return ServerError.toException(
        status, body, "ch", "reading X", "md.t", Credentials.of("u", "pw-Secr3t", "ch"));
  }

  @Test
  void missingTableSaysHowToCreateTheSchemaAndIsNotRetryable() {
    for (String body : new String[] {OLD, NEW}) {
      OhlcvException e = map(404, body);
      assertInstanceOf(SourceUnavailableException.class, e);
      assertFalse(e.isRetryable());
      assertEquals("60", e.venueCode().orElseThrow());
      assertTrue(e.getMessage().contains("ClickHouseSchema"), e.getMessage());
      assertTrue(e.getMessage().contains("md.nope"), e.getMessage());
    }
    OhlcvException column =
        map(
            404,
            "Code: 47, e.displayText() = DB::Exception: Unknown identifier: nocol, e.what()"
                + " = DB::Exception");
    assertInstanceOf(SourceUnavailableException.class, column);
    assertFalse(column.isRetryable());
  }

  @Test
  void authenticationFailuresNeverShowThePassword() {
    OhlcvException e =
        map(
            401,
            "Code: 193, e.displayText() = DB::Exception: Wrong password pw-Secr3t for user x,"
                + " e.what() = DB::Exception");
    assertInstanceOf(AuthenticationException.class, e);
    assertFalse(e.isRetryable());
    assertFalse(e.getMessage().contains("pw-Secr3t"), e.getMessage());
    assertInstanceOf(AuthenticationException.class, map(401, ""));
    assertInstanceOf(
        AuthenticationException.class,
        map(500, "Code: 164. DB::Exception: user is in readonly mode. (READONLY)"));
  }

  @Test
  void timeoutsAndServerFailuresAreRetryable() {
    OhlcvException timeout =
        map(500, "Code: 159, e.displayText() = DB::Exception: Timeout exceeded, e.what() = x");
    assertInstanceOf(SourceUnavailableException.class, timeout);
    assertTrue(timeout.isRetryable());
    OhlcvException gateway = map(503, "Service Unavailable");
    assertInstanceOf(SourceUnavailableException.class, gateway);
    assertTrue(gateway.isRetryable());
    // An error appended to a 200 stream is a server-side failure.
    OhlcvException memory =
        map(200, "Code: 241. DB::Exception: Memory limit (for query) exceeded (MEMORY_LIMIT)");
    assertTrue(memory.isRetryable());
  }

  @Test
  void refusedRequestsAreNotRetryableEvenAs500() {
    OhlcvException syntax = map(400, "Code: 62, e.displayText() = DB::Exception: Syntax error");
    assertInstanceOf(InvalidQueryException.class, syntax);
    assertFalse(syntax.isRetryable());
    OhlcvException limit =
        map(500, "Code: 396, e.displayText() = DB::Exception: Limit for result exceeded");
    assertInstanceOf(InvalidQueryException.class, limit);
    assertEquals("396", limit.venueCode().orElseThrow());
    OhlcvException setting = map(404, "Code: 115. DB::Exception: Unknown setting foo");
    assertInstanceOf(InvalidQueryException.class, setting);
  }

  @Test
  void aNonClickHouseAnswerSaysSo() {
    OhlcvException e = map(200, "<html>login</html>");
    assertInstanceOf(SourceUnavailableException.class, e);
    assertTrue(e.getMessage().contains("ClickHouse HTTP endpoint"), e.getMessage());
  }

  @Test
  void tooManyPartitionsForOneInsertIsNotRetryableButTooManyPartsIs() {
    // As ClickHouse 26.7 words it (code 252 is TOO_MANY_PARTS for both).
    OhlcvException partitions =
        map(
            500,
            "Code: 252. DB::Exception: Too many partitions for single INSERT block (more than 100)."
                + " The limit is controlled by 'max_partitions_per_insert_block' setting. Large"
                + " number of partitions is a common misconception. (TOO_MANY_PARTS) (version"
                + " 26.7.2.1)\n");
    assertInstanceOf(InvalidQueryException.class, partitions);
    assertFalse(partitions.isRetryable());
    assertEquals("252", partitions.venueCode().orElseThrow());
    assertTrue(partitions.getMessage().contains("batchSize"), partitions.getMessage());
    OhlcvException parts =
        map(
            500,
            "Code: 252. DB::Exception: Too many parts (300 with average size of 1.00 MiB) in table"
                + " 'md.t'. Merges are processing significantly slower than inserts."
                + " (TOO_MANY_PARTS) (version 24.3.1.2672)\n");
    assertInstanceOf(SourceUnavailableException.class, parts);
    assertTrue(parts.isRetryable());
  }

  @Test
  void aFailedThrowIfAndALogicalErrorAreNotRetried() {
    for (int code : new int[] {395, 49}) {
      OhlcvException e = map(200, "Code: " + code + ". DB::Exception: x. (X) (version 25.11.1.1)");
      assertInstanceOf(InvalidQueryException.class, e);
      assertFalse(e.isRetryable());
    }
  }
}
