/**
 * The kit for sources that read a venue's REST API, and the one public place where OkHttp's types
 * ({@code Request}, {@code Response}, {@code HttpUrl}, {@code OkHttpClient}) appear for source
 * authors: a source extends {@link io.github.ohlcv4j.source.http.HttpCandleSource}, its cursors
 * {@link io.github.ohlcv4j.source.http.HttpPageCursor} (the request loop, written once in {@link
 * io.github.ohlcv4j.source.http.HttpRequestCursor}, which a source that streams its answers extends
 * directly), its error mapper {@link io.github.ohlcv4j.source.http.HttpErrors} (the HTTP statuses
 * every venue shares); {@link io.github.ohlcv4j.source.http.Http} sends requests with the client's
 * pool and {@link io.github.ohlcv4j.source.http.Redact} keeps secrets out of messages and logs.
 * Applications never need this package.
 */
@NullMarked
package io.github.ohlcv4j.source.http;

import org.jspecify.annotations.NullMarked;
