package io.github.ohlcv4j;

/** A stable sort of row indexes by a {@code long} key, without boxing (merge sort, O(n log n)). */
final class IndexSort {
  private IndexSort() {}

  /** The permutation that sorts {@code keys[0..n)} ascending, keeping equal keys in input order. */
  static int[] stableOrder(long[] keys, int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    int[] b = new int[n];
    // Bottom-up: insertion-sort runs of 32, then merge runs pairwise.
    final int run = 32;
    for (int lo = 0; lo < n; lo += run) {
      int hi = Math.min(n, lo + run);
      for (int i = lo + 1; i < hi; i++) {
        int x = a[i];
        long k = keys[x];
        int j = i - 1;
        while (j >= lo && keys[a[j]] > k) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = x;
      }
    }
    for (int width = run; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(n, lo + width);
        int hi = Math.min(n, lo + 2 * width);
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
          b[k++] = keys[a[j]] < keys[a[i]] ? a[j++] : a[i++];
        }
        while (i < mid) {
          b[k++] = a[i++];
        }
        while (j < hi) {
          b[k++] = a[j++];
        }
      }
      int[] t = a;
      a = b;
      b = t;
    }
    return a;
  }
}
