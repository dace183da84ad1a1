package io.billingsnapshot.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

class TestInfrastructureTest {

    @Test
    void theTestServerIsPostgreSql17UnlessTheDeveloperNamedOne() {
        TestDatabase server = TestDatabase.server();

        assumeTrue(server.source() != TestDatabaseSource.TEST_DB_URL, "TEST_DB_URL names the server");
        assertThat(server.serverVersion()).startsWith("17.");
        assertThat(server.description()).startsWith("PostgreSQL 17.").endsWith("(" + server.source().label() + ")");
    }

    @Test
    void testDatabaseHasTheGatewaySchemaAndTheOutbox() throws Exception {
        TestDatabase.Db db = TestDatabase.server().createDatabase();
        try (var c = db.connect(); var s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        SELECT count(*) FROM information_schema.tables
                        WHERE table_name IN ('request_billing_snapshots', 'billing_quota_delta_outbox')""")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
    }

    @Test
    void embeddedSqsAcceptsAndReturnsMessages() {
        try (TestSqs sqs = TestSqs.start(); var client = sqs.client()) {
            String url = sqs.createQueue("smoke");
            client.sendMessage(SendMessageRequest.builder().queueUrl(url).messageBody("hello").build());
            var received = client.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(1)).messages();
            assertThat(received).extracting(m -> m.body()).containsExactly("hello");
        }
    }
}
