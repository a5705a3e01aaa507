package io.taskharbor.examples.idempotenttasks;

import java.math.BigDecimal;

/**
 * What the worker stores with a completed task ({@code JobContext.setResult}), and what the producer reads back.
 *
 * @param orderId the order processed
 * @param charged the amount charged
 * @param message what was done, such as {@code Order 12345 processed, charged $99.99}
 * @param processedBy the name of the worker program that processed it (given on its command line), for the audit;
 *     the job's {@code leasedBy} holds the TaskHarbor node id of its process
 */
public record OrderResult(String orderId, BigDecimal charged, String message, String processedBy) {}
