package io.billingsnapshot.local;

import io.billingsnapshot.testing.FunctionEnvironment;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The deployment jar wired as in AWS, everything local: a fresh database with the gateway
 * schema, the outbox and the demo rows the files of {@code events/} refer to, an embedded SQS
 * server with the quota-delta queue, and the function started on them by Lambda's runtime client.
 */
final class LocalDeployment implements AutoCloseable {

    final TestDatabase.Db db;
    final TestSqs sqs;
    final String deltaQueueUrl;
    /** The function's environment variables, for another of the jar's handlers on the same stack. */
    final Map<String, String> environment;
    final PackagedFunction function;

    private LocalDeployment(TestDatabase.Db db, TestSqs sqs, String deltaQueueUrl, Map<String, String> environment,
            PackagedFunction function) {
        this.db = db;
        this.sqs = sqs;
        this.deltaQueueUrl = deltaQueueUrl;
        this.environment = environment;
        this.function = function;
    }

    static LocalDeployment start(Path jar) throws IOException {
        return start(jar, Map.of());
    }

    /** The same with more environment variables for the function (Lambda's own, say). */
    static LocalDeployment start(Path jar, Map<String, String> moreEnvironment) throws IOException {
        TestDatabase.Db db = TestDatabase.server().createDatabase();
        db.execute(TestDatabase.resource("/local/demo-seed.sql"));
        TestSqs sqs = TestSqs.start();
        try {
            String deltaQueueUrl = sqs.createQueue("quota-deltas");
            Map<String, String> env = FunctionEnvironment.local(db, sqs, deltaQueueUrl);
            env.put("METRICS_NAMESPACE", "BillingSnapshotLocal");
            env.putAll(moreEnvironment);
            return new LocalDeployment(db, sqs, deltaQueueUrl, Map.copyOf(env), PackagedFunction.start(jar, env));
        } catch (IOException | RuntimeException e) {
            sqs.close();
            throw e;
        }
    }

    @Override
    public void close() {
        function.close();
        sqs.close();
    }
}
