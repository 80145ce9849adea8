package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.source.http.Redact;
import java.util.HashSet;
import java.util.Set;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a venue's "next page" links ({@code next_url}) from going round in circles or on for ever:
 * a link back to a page already fetched for the query, or more linked pages than the query's range
 * holds candles (every page that links on held at least one), is a {@link DataFormatException}
 * instead of a hang or an endless crawl. Asking the same page again with the same link (a retry) is
 * not a loop.
 *
 * <p>One per cursor; a cursor's requests are sequential, so it needs no locking.
 */
public final class NextPages {
  private final String source;
  private final String what;
  private final long maxPages;
  private final String ignored;
  private final Set<String> seen = new HashSet<>();
  private long followed;
  private @Nullable String lastAsked;
  private @Nullable String lastNext;

  /**
   * @param source the source's name, for errors
   * @param what what was asked, for errors
   * @param maxPages the most linked pages the query's range can hold (its number of candles)
   * @param ignored a query parameter that does not tell pages apart (the API key the cursor sets)
   */
  public NextPages(String source, String what, long maxPages, String ignored) {
    this.source = source;
    this.what = what;
    this.maxPages = maxPages;
    this.ignored = ignored;
  }

  /**
   * Checks the link {@code next} found in the answer to {@code asked} before it is followed.
   *
   * @throws DataFormatException if it leads back to a page already fetched, or one page too many
   */
  public void check(HttpUrl asked, HttpUrl next) {
    String a = key(asked);
    String n = key(next);
    if (a.equals(lastAsked) && n.equals(lastNext)) {
      return; // the same page asked again (a retry), with the same link
    }
    seen.add(a);
    if (!seen.add(n)) {
      throw DataFormatException.of(
              source,
              source
                  + ": the response to "
                  + what
                  + " links (next_url) back to a page already fetched for this query ("
                  + Redact.url(next)
                  + "): the venue's paging goes round in circles, so the range cannot be read whole."
                  + " Try again later, or over a shorter range.")
          .build();
    }
    if (++followed > maxPages) {
      throw DataFormatException.of(
              source,
              source
                  + ": the responses to "
                  + what
                  + " link (next_url) to more pages ("
                  + followed
                  + ") than the range holds candles ("
                  + maxPages
                  + "): the venue's paging does not end, so the range cannot be read whole. Try again"
                  + " later, or over a shorter range.")
          .build();
    }
    lastAsked = a;
    lastNext = n;
  }

  private String key(HttpUrl url) {
    return url.newBuilder().removeAllQueryParameters(ignored).build().toString();
  }
}
