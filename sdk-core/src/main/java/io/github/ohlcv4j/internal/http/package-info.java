/**
 * HTTP plumbing for sources: asynchronous OkHttp calls whose futures cancel the call, error
 * mapping, secret redaction. <b>Not API</b>: may change in any release.
 */
@NullMarked
package io.github.ohlcv4j.internal.http;

import org.jspecify.annotations.NullMarked;
