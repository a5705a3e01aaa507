package io.taskharbor.tck;

/**
 * The payload limit: the largest payload or ack result a driver stores, in UTF-8 bytes, as the driver's TCK class
 * declares it ({@link DriverTck#maxPayloadBytes()}). Every shipped driver applies the same default ({@link
 * io.taskharbor.spi.support.DriverRules#DEFAULT_MAX_PAYLOAD_BYTES}, 1 MiB), set by the option {@value
 * io.taskharbor.spi.support.DriverRules#MAX_PAYLOAD_BYTES_OPTION}, so a test on one driver does not pass where
 * another refuses. The rules are {@code optional_}: skipped, by name, for a driver that declares no limit. Each runs
 * with plain ASCII text and with 2-, 3- and 4-byte characters, so a limit counted in characters fails. Checked by
 * {@link PayloadLimitContract}.
 */
@RuleGroup(id = "PAY", name = "payload limit",
    summary = "payloads and ack results up to the declared limit are stored, one byte more is refused whole")
public interface PayloadLimitRules {

  @Rule(id = "PAY-01",
      text = "a payload of exactly the declared limit, counted in UTF-8 bytes, is stored and round-trips",
      ifFails = "that the limit is inclusive and counts the UTF-8 bytes of the payload as given "
          + "(io.taskharbor.spi.support.Validation.payloadSize does), and that storage holds a payload that large "
          + "(column type, packet or message size)",
      when = "declare a payload limit (DriverTck.maxPayloadBytes())")
  void optional_pay01_aPayloadOfExactlyTheLimitIsStored(String characters, String unit);

  @Rule(id = "PAY-02",
      text = "a payload one byte over the limit is an IllegalArgumentException naming payload, and nothing of its "
          + "batch is stored, its idempotency keys included",
      ifFails = "that enqueue checks the size of every payload of the batch, in UTF-8 bytes and not in characters, "
          + "before it stores any job of it",
      when = "declare a payload limit (DriverTck.maxPayloadBytes())")
  void optional_pay02_aPayloadOverTheLimitStoresNothingOfTheBatch(String characters, String unit);

  @Rule(id = "PAY-03",
      text = "an ack result of exactly the declared limit, counted in UTF-8 bytes, is stored and round-trips",
      ifFails = "that results have the same inclusive limit as payloads, counted the same way, and that the result "
          + "column holds a result that large",
      when = "declare a payload limit (DriverTck.maxPayloadBytes())")
  void optional_pay03_anAckResultOfExactlyTheLimitIsStored(String characters, String unit);

  @Rule(id = "PAY-04",
      text = "an ack result one byte over the limit is an IllegalArgumentException naming result from complete; "
          + "nothing of the batch is applied and its jobs stay INFLIGHT, unchanged",
      ifFails = "that complete checks the size of every ack result of the batch, in UTF-8 bytes, before it applies "
          + "any item, and throws rather than answering the item with an outcome",
      when = "declare a payload limit (DriverTck.maxPayloadBytes())")
  void optional_pay04_anAckResultOverTheLimitAppliesNothingOfTheBatch(String characters, String unit);
}
