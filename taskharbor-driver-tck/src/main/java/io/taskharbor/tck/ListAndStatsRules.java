package io.taskharbor.tck;

/**
 * Listing and counting: {@link io.taskharbor.spi.Driver#list} and {@link io.taskharbor.spi.Driver#stats}. Checked by
 * {@link ListAndStatsContract}.
 */
@RuleGroup(id = "LST", name = "list and stats",
    summary = "filtered listing in id order, cursor paging, counts by status")
public interface ListAndStatsRules {

  @Rule(id = "LST-01",
      text = "list returns every job ordered by id, whatever the enqueue order, each as get returns it",
      ifFails = "the ORDER BY id of list (unsigned 128-bit order) and that list returns the same records as get")
  void required_lst01_listReturnsEveryJobOrderedById();

  @Rule(id = "LST-02",
      text = "list filters by queue",
      ifFails = "the queue filter of list")
  void required_lst02_listFiltersByQueue();

  @Rule(id = "LST-03",
      text = "list filters by a set of statuses",
      ifFails = "the status filter of list with one or more statuses")
  void required_lst03_listFiltersByStatuses();

  @Rule(id = "LST-04",
      text = "list filters by type",
      ifFails = "the type filter of list, compared exactly")
  void required_lst04_listFiltersByType();

  @Rule(id = "LST-05",
      text = "list applies queue, status and type filters together",
      ifFails = "that list's filters are combined with AND")
  void required_lst05_listCombinesFilters();

  @Rule(id = "LST-06",
      text = "25 jobs with limit 10 come in pages of 10, 10 and 5, each job once, in id order, the last page without "
          + "a cursor",
      ifFails = "that a page continues strictly after the cursor's id and that the last page has no cursor")
  void required_lst06_cursorPagingVisitsEveryJobOnce();

  @Rule(id = "LST-07",
      text = "a last page that is exactly full has no next cursor",
      ifFails = "that the next cursor is set only when a further item exists (fetch limit + 1 rows)")
  void required_lst07_aFullLastPageHasNoNextCursor();

  @Rule(id = "LST-08",
      text = "a job inserted between pages appears on a later page if its id is beyond the cursor, and not at all if "
          + "it is before",
      ifFails = "that paging is by id after the cursor, not by offset")
  void required_lst08_pagingSeesInsertsBeyondTheCursorOnly();

  @Rule(id = "LST-09",
      text = "paging a filtered listing skips non-matching jobs without gaps or repeats",
      ifFails = "that the cursor is applied together with the filters")
  void required_lst09_filteredPagingHasNoGapsOrRepeats();

  @Rule(id = "LST-10",
      text = "a listing with no match is one empty page without a cursor",
      ifFails = "that an empty page has no next cursor")
  void required_lst10_anEmptyListingHasNoCursor();

  @Rule(id = "LST-11",
      text = "stats count due and scheduled READY jobs, INFLIGHT, DONE, DLQ and CANCELED jobs of the queue",
      ifFails = "stats' grouping by status and its due test for READY jobs (run_at, else created_at, <= now)")
  void required_lst11_statsCountEveryStatus();

  @Rule(id = "LST-12",
      text = "stats of a queue without jobs are all zero and name the queue",
      ifFails = "that stats of an unknown queue answer zeros with the queue's name, not an exception")
  void required_lst12_statsOfAnEmptyQueueAreZero();

  @Rule(id = "LST-13",
      text = "stats count INFLIGHT jobs whether or not their lease is still valid",
      ifFails = "that stats count by stored status only and do not sweep or reclaim")
  void required_lst13_statsCountExpiredLeasesAsInflight();

  @Rule(id = "LST-14",
      text = "stats only read: asking at a later instant changes no job",
      ifFails = "that stats are read-only")
  void required_lst14_statsChangeNothing();

  @Rule(id = "LST-15",
      text = "list and get agree after every kind of change",
      ifFails = "that list reads current data (no stale cache) and agrees with get")
  void required_lst15_listShowsTheCurrentState();

  @Rule(id = "LST-16",
      text = "list filters by leasedBy: the jobs whose latest reservation named that node, in every status, combined "
          + "with the other filters and paged by cursor; jobs never reserved, or reserved without a holder, never match",
      ifFails = "the leased_by filter of list (an exact comparison, applied with the other filters before the limit)")
  void required_lst16_listFiltersByTheNodeThatLeased();
}
