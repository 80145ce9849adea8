package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.Instrument;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.MarketType;
import io.github.ohlcv4j.Symbol;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * The fields of one instrument while a venue's row is read; {@link #build} checks that the ones
 * every instrument needs are there and makes the {@link Instrument}. Not thread-safe.
 *
 * <p>Also the loops every venue's instrument parser shares: {@link #members} reads an object's
 * members by key (the response envelope, a row), {@link #rows} an array of instrument objects; a
 * venue's parser says only what each of its keys means.
 */
final class InstrumentRow {

  /**
   * The keys of an object a parser knows, and what its messages call the object: {@code "an
   * instrument"}, {@code "the response object"}. Immutable.
   */
  static final class Keys {
    final String[] names;
    final byte[][] bytes;
    final String where;
    final String next;
    final String open;

    Keys(String where, String... names) {
      this.names = names.clone();
      this.bytes = BybitKlines.keys(names);
      this.where = where;
      this.next = "',' or '}' in " + where;
      this.open = "'{' starting " + where;
    }
  }

  /** Reads the value of the known key {@code k} (an index into {@link Keys#names}). */
  @FunctionalInterface
  interface Member {
    void read(int k);
  }

  /** Reads the value of the row's key {@code k} into the row. */
  @FunctionalInterface
  interface Field {
    void read(JsonBytes in, int k, InstrumentRow r);
  }

  /** Makes the instrument of a row that has been read (through {@link #build}). */
  @FunctionalInterface
  interface Maker {
    Instrument make(JsonBytes in, InstrumentRow r);
  }

  /**
   * Reads an object (the reader at its '{'): each member whose key {@code keys} knows goes to
   * {@code member}, which reads its value, the others are skipped (still read strictly). With
   * {@code once}, a known key given twice fails, naming it.
   */
  static void members(JsonBytes in, Keys keys, boolean once, Member member) {
    in.expect('{', keys.open);
    if (in.consume('}')) {
      return;
    }
    int seen = 0;
    do {
      int k = in.key(keys.bytes);
      if (k < 0) {
        in.skipValue();
        continue;
      }
      if (once && k < 32) {
        if ((seen & (1 << k)) != 0) {
          throw in.fail("no second \"" + keys.names[k] + "\" in " + keys.where);
        }
        seen |= 1 << k;
      }
      member.read(k);
    } while (in.more('}', keys.next));
  }

  /**
   * Reads an array of instrument objects (the reader at its '['), numbering the rows for messages:
   * each object's known members go to {@code field} with the field's name set for messages, then
   * {@code maker} makes its instrument, which is added to {@code out}.
   *
   * @param array what messages call the array: {@code "result.list"}
   */
  static void rows(
      JsonBytes in, String array, Keys row, Field field, Maker maker, List<Instrument> out) {
    in.expect('[', "'[' starting " + array);
    if (in.consume(']')) {
      return;
    }
    String next = "',' or ']' in " + array;
    int n = 0;
    do {
      in.row(n);
      InstrumentRow r = new InstrumentRow();
      members(
          in,
          row,
          false,
          k -> {
            in.field(row.names[k]);
            field.read(in, k, r);
            in.field(null);
          });
      out.add(maker.make(in, r));
      n++;
    } while (in.more(']', next));
    in.row(-1);
  }

  @Nullable String code;
  @Nullable String base;
  @Nullable String quote;
  @Nullable String status;
  String contractType = "";
  double tick = Double.NaN;
  double step = Double.NaN;
  long listedMillis;
  @Nullable Instant listedAt;

  /**
   * The instrument; fails through {@code in} (at the end of the row) if the code, base, quote or
   * status is missing, or the code is not one a symbol can hold.
   */
  Instrument build(
      JsonBytes in,
      String venue,
      Instrument.Type type,
      Instrument.Status mapped,
      String codeKey,
      String baseKey,
      String quoteKey,
      String statusKey) {
    String code = require(in, this.code, codeKey);
    String base = require(in, this.base, baseKey);
    String quote = require(in, this.quote, quoteKey);
    String status = require(in, this.status, statusKey);
    Symbol symbol;
    try {
      symbol =
          Symbol.of(
              venue,
              code,
              type == Instrument.Type.PERPETUAL ? MarketType.PERPETUAL : MarketType.SPOT);
    } catch (InvalidQueryException e) {
      in.field(codeKey);
      throw in.fail("an instrument code (" + e.getMessage() + ")");
    }
    return new Instrument(
        symbol,
        type,
        base,
        quote,
        mapped,
        status,
        positive(tick),
        positive(step),
        listedAt != null
            ? Optional.of(listedAt)
            : listedMillis > 0
                ? Optional.of(Instant.ofEpochMilli(listedMillis))
                : Optional.empty());
  }

  /**
   * Reads the string value of the key {@code k} if it is one every venue's row spells as a string,
   * in this order of a venue's {@link Keys}: 0 the code, 1 the status, 2 the base asset, 3 the
   * quote asset, 4 the contract type.
   *
   * @return whether {@code k} was one of them
   */
  boolean text(JsonBytes in, int k) {
    if (k > 4) {
      return false;
    }
    String v = in.string();
    if (k == 0) {
      code = v;
    } else if (k == 1) {
      status = v;
    } else if (k == 2) {
      base = v;
    } else if (k == 3) {
      quote = v;
    } else {
      contractType = v;
    }
    return true;
  }

  private static OptionalDouble positive(double v) {
    return v > 0 && Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
  }

  /** {@code value}, or a failure through {@code in} if it is missing or empty. */
  private static String require(JsonBytes in, @Nullable String value, String key) {
    if (value == null || value.isEmpty()) {
      in.field(null);
      throw in.fail("a non-empty \"" + key + "\" in every instrument (the row ends here)");
    }
    return value;
  }
}
