/**
 * The chaos soak's harness (src/soak/java, compiled with the tests), usable with any handler:
 * <ul>
 *   <li>{@link io.billingsnapshot.soak.SourceQueue}: a source queue and its DLQ, wired by
 *       the queue's own RedrivePolicy, with a ledger of what was sent;</li>
 *   <li>{@link io.billingsnapshot.soak.EventSourceMappingDriver}: the Lambda SQS event source
 *       mapping (concurrent pollers, batches, partial batch failures, redelivery, DLQ, FIFO),
 *       reporting a {@link io.billingsnapshot.soak.MappingReport};</li>
 *   <li>{@link io.billingsnapshot.soak.DeltaCollector}: the quota tracker, deduping on deltaId;</li>
 *   <li>{@link io.billingsnapshot.soak.QuotaTracker}: the reference consumer beside it, applying every
 *       message it receives to a quota table exactly once;</li>
 *   <li>{@link io.billingsnapshot.soak.ConservationCheck}: nothing lost, nothing counted twice.</li>
 * </ul>
 *
 * <pre>{@code
 * SourceQueue source = SourceQueue.create(sqs, "requests", 5);           // maxReceiveCount 5
 * source.sendAll(bodies);                                                 // load before running
 * MappingReport mapping = new EventSourceMappingDriver(sqs, source, MappingSettings.defaults()
 *                 .withPollers(4).withTimeBudget(Duration.ofMinutes(2)))
 *         .run(() -> new BillingSnapshotHandler(...));                    // one instance per poller
 * DeltaCollector deltas = new DeltaCollector(sqs, deltaQueueUrl);
 * deltas.drain();
 * ConservationResult result = ConservationCheck.check(db, deltas, source.sent(), mapping.deadLetters());
 * System.out.println(mapping.summary() + result.report());
 * }</pre>
 */
package io.billingsnapshot.soak;
