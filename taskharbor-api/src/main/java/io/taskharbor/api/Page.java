package io.taskharbor.api;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One page of a listing.
 *
 * @param items the items of this page, in listing order; never null
 * @param nextCursor the cursor to pass to {@link JobQuery.Builder#cursor(String)} for the next page, or null when this
 *     is the last page
 * @param <T> the item type
 */
public record Page<T>(List<T> items, @Nullable String nextCursor) {
  public Page {
    items = List.copyOf(Objects.requireNonNull(items, "items"));
  }

  /** Returns whether a further page exists. */
  public boolean hasNext() {
    return nextCursor != null;
  }
}
