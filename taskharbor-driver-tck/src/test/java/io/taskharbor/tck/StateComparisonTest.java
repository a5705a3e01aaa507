package io.taskharbor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseExpiredException;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.tck.StateComparison.JobView;
import io.taskharbor.tck.StateComparison.Refusal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateComparisonTest {
  static final Instant T = TestClock.START;

  static JobRecord record(String payload, LeaseToken token, int attempts) {
    return new JobRecord(Actions.JOB_IDS.get(0), "q-a", "t1", payload, 0, null, null, attempts, 3, null,
        JobStatus.INFLIGHT, token, T.plusSeconds(10), null, null, null, null, T, T, null);
  }

  @Test
  void jsonIsComparedAsAValueNotAsText() {
    assertThat(StateComparison.canonicalJson("{ \"b\" : 1,\n\"a\":[2.50, true] }"))
        .isEqualTo(StateComparison.canonicalJson("{\"a\":[2.5,true],\"b\":1}"));
    assertThat(StateComparison.canonicalJson("1e2")).isEqualTo(StateComparison.canonicalJson("100"));
    assertThat(StateComparison.canonicalJson("\"é😀\"")).isEqualTo(StateComparison.canonicalJson("\"\\u00e9😀\""));
    assertThat(StateComparison.canonicalJson("[1,2]")).isNotEqualTo(StateComparison.canonicalJson("[2,1]"));
    assertThat(StateComparison.canonicalJson("null")).isNotEqualTo(StateComparison.canonicalJson("\"null\""));
    assertThat(StateComparison.canonicalJson("{\"a\":1")).startsWith("<not JSON");
  }

  @Test
  void tokensAreComparedByName() {
    LeaseToken mine = LeaseToken.random();
    LeaseToken theirs = LeaseToken.random();
    JobView left = JobView.of(record("{}", mine, 1), t -> t.equals(mine) ? "J0 lease#1" : "?");
    JobView right = JobView.of(record("{ }", theirs, 1), t -> t.equals(theirs) ? "J0 lease#1" : "?");
    assertThat(left).isEqualTo(right);
    assertThat(StateComparison.diff(List.of(left), List.of(right))).isEmpty();
  }

  @Test
  void differencesAreListedFieldByField() {
    LeaseToken token = LeaseToken.random();
    JobView left = JobView.of(record("[1]", token, 2), t -> "J0 lease#1");
    JobView right = JobView.of(record("[1]", token, 1), t -> "J0 lease#1");
    assertThat(StateComparison.diff(List.of(left), List.of(right)))
        .containsExactly("J0.attempts: subject 2, reference 1");
    assertThat(StateComparison.diff(List.of(), List.of(right))).singleElement().asString()
        .startsWith("J0: missing from the subject");
    assertThat(StateComparison.diff(List.of(left, left), List.of(left))).isNotEmpty();
  }

  @Test
  void refusalsCompareTypeAndTypedFieldsButNotMessages() {
    Refusal a = Refusal.of(new LeaseExpiredException(Actions.JOB_IDS.get(1), T, T.plusSeconds(1)));
    Refusal b = Refusal.of(new LeaseExpiredException(Actions.JOB_IDS.get(1), T, T.plusSeconds(1)));
    Refusal c = Refusal.of(new LeaseExpiredException(Actions.JOB_IDS.get(1), T, T.plusSeconds(2)));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    assertThat(a.toString()).isEqualTo("refused LeaseExpiredException{job=J1, expiredAt=T, now=T+1s}");
    assertThat(Refusal.of(new IllegalStateException("closed"))).isEqualTo(Refusal.of(new IllegalStateException("x")));
    assertThat(Refusal.of(new JobNotFoundException(Actions.JOB_IDS.get(1))))
        .isNotEqualTo(Refusal.of(new JobNotFoundException(Actions.JOB_IDS.get(2))));
  }
}
