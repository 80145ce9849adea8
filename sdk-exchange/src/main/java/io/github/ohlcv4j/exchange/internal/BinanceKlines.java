package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.ExtraColumn;

/**
 * Reads a Binance klines body ({@code /api/v3/klines}, {@code /fapi/v1/klines}) straight into a
 * {@link CandleSeries.Builder}: an array of 12-field rows {@code [openTime, "open", "high", "low",
 * "close", "volume", closeTime, "quoteVolume", trades, "takerBuyBase", "takerBuyQuote", "0"]},
 * oldest first. Close time, quote volume, trade count and the taker volumes become extra columns.
 */
public final class BinanceKlines {
  private BinanceKlines() {}

  /**
   * Parses a body; returns the number of rows it held (rows a lenient bad-row policy dropped
   * included).
   *
   * @throws DataFormatException saying where, if the body is not a klines array or a row is bad
   */
  public static int parse(JsonBytes in, CandleSeries.Builder out) {
    if (in.peek() != '[') {
      throw in.fail("a JSON array of klines [[openTime, \"open\", ...], ...]");
    }
    in.expect('[', "'['");
    int row = 0;
    if (!in.consume(']')) {
      do {
        in.row(row);
        in.field("openTime");
        in.expect('[', "'[' starting a row of 12 fields");
        long t = in.whole();
        in.field("open");
        in.expect(',', "','");
        double o = in.number();
        in.field("high");
        in.expect(',', "','");
        double h = in.number();
        in.field("low");
        in.expect(',', "','");
        double l = in.number();
        in.field("close");
        in.expect(',', "','");
        double c = in.number();
        in.field("volume");
        in.expect(',', "','");
        double v = in.number();
        in.field("closeTime");
        in.expect(',', "','");
        long closeTime = in.whole();
        in.field("quoteAssetVolume");
        in.expect(',', "','");
        double quote = in.number();
        in.field("numberOfTrades");
        in.expect(',', "','");
        long trades = in.whole();
        in.field("takerBuyBaseAssetVolume");
        in.expect(',', "','");
        double takerBase = in.number();
        in.field("takerBuyQuoteAssetVolume");
        in.expect(',', "','");
        double takerQuote = in.number();
        in.field(null);
        while (in.more(']', "',' or ']' ending the row")) {
          in.skipValue(); // the unused 12th field, and any added later
        }
        int before = out.size();
        try {
          out.add(t, o, h, l, c, v);
        } catch (DataFormatException e) {
          throw in.badRow(row, e);
        }
        if (out.size() > before) { // not dropped by a lenient bad-row policy
          out.extra(ExtraColumn.CLOSE_TIME, closeTime);
          out.extra(ExtraColumn.QUOTE_VOLUME, quote);
          out.extra(ExtraColumn.TRADE_COUNT, trades);
          out.extra(ExtraColumn.TAKER_BUY_VOLUME, takerBase);
          out.extra(ExtraColumn.TAKER_BUY_QUOTE_VOLUME, takerQuote);
        }
        row++;
      } while (in.more(']', "',' or ']' in the klines array"));
      in.row(-1);
    }
    in.expectEnd();
    return row;
  }
}
