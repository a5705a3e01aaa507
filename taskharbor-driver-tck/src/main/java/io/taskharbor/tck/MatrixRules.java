package io.taskharbor.tck;

/**
 * The table-driven matrix: lease operation &times; job state &times; presented lease. Checked by {@link
 * MatrixContract}.
 */
@RuleGroup(id = "MTX", name = "matrix", summary = "lease operation × job state × presented lease")
public interface MatrixRules {

  @Rule(id = "MTX-01",
      text = "every lease operation on every job state with every presented lease does what the table says",
      ifFails = "the cell named in the case's name against the Driver javadoc: the terminal no-ops first, "
          + "then not found, not INFLIGHT, expired (expiry <= now, before the token), wrong token")
  void required_mtx01_leaseOperationMatrix(MatrixContract.Case c);
}
