package io.billingsnapshot.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.billingsnapshot.config.Env;
import java.lang.reflect.Constructor;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/** Tokens generated offline, with fixed credentials (AWS's documentation example keys). */
class IamAuthTokensTest {

    private static final String ACCESS_KEY = "AKIDEXAMPLE";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    private static final String PROXY_HOST = "billing.proxy-c0ffee123456.eu-west-1.rds.amazonaws.com";

    @Test
    void isAPresignedConnectRequestForTheHostPortAndUserSignedAtTheClocksTime() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC);
        IamAuthTokens tokens = new IamAuthTokens(rdsUtilitiesAt(clock, Region.EU_WEST_1), PROXY_HOST, 5432,
                "billing_snapshot");

        Token token = Token.parse(tokens.newPassword());

        assertThat(token.hostAndPort()).isEqualTo(PROXY_HOST + ":5432");
        assertThat(token.param("Action")).isEqualTo("connect");
        assertThat(token.param("DBUser")).isEqualTo("billing_snapshot");
        assertThat(token.param("X-Amz-Algorithm")).isEqualTo("AWS4-HMAC-SHA256");
        assertThat(token.param("X-Amz-Date")).isEqualTo("20260304T050607Z");
        assertThat(token.param("X-Amz-Expires")).isEqualTo("900");
        assertThat(token.param("X-Amz-Credential")).isEqualTo(ACCESS_KEY + "/20260304/eu-west-1/rds-db/aws4_request");
        assertThat(token.param("X-Amz-SignedHeaders")).isEqualTo("host");
        assertThat(token.param("X-Amz-Signature")).isEqualTo(token.expectedSignature(SECRET_KEY));
    }

    @Test
    void takesHostAndPortFromDbUrlTheUserFromDbUserAndTheRegionFromAwsRegion() throws Exception {
        DatabaseSettings settings = DatabaseSettings.fromEnvironment(new Env(Map.of(
                "DB_URL", "jdbc:postgresql://" + PROXY_HOST + ":6543/billing",
                "DB_USER", "snapshot_writer",
                "AWS_REGION", "ap-southeast-2")));

        Token token = Token.parse(IamAuthTokens.forSettings(settings, CREDENTIALS).newPassword());

        assertThat(token.hostAndPort()).isEqualTo(PROXY_HOST + ":6543");
        assertThat(token.param("DBUser")).isEqualTo("snapshot_writer");
        assertThat(token.param("X-Amz-Credential")).matches(ACCESS_KEY + "/\\d{8}/ap-southeast-2/rds-db/aws4_request");
        assertThat(token.param("X-Amz-Signature")).isEqualTo(token.expectedSignature(SECRET_KEY));
    }

    @Test
    void reportsMissingCredentialsAsAConnectionFailureWithoutAnyToken(@TempDir Path dir) throws Exception {
        Path emptyCredentialsFile = Files.writeString(dir.resolve("credentials"), "");
        ProfileCredentialsProvider noCredentials = ProfileCredentialsProvider.builder()
                .profileFile(ProfileFile.builder().content(emptyCredentialsFile).type(ProfileFile.Type.CREDENTIALS).build())
                .profileName("billing")
                .build();
        IamAuthTokens tokens = new IamAuthTokens(
                RdsUtilities.builder().region(Region.EU_WEST_1).credentialsProvider(noCredentials).build(),
                PROXY_HOST, 5432, "billing_snapshot");

        Throwable error = catchThrowable(tokens::newPassword);

        assertThat(error).isInstanceOf(SQLException.class).hasMessageContaining(PROXY_HOST);
        assertThat(SqlStates.isConnectionError((SQLException) error)).isTrue();
    }

    /**
     * The SDK's public builder has no clock; its implementation has a package-private
     * constructor taking one (the SDK's own tests use it). Reaching it here keeps production on
     * the public API; if the SDK drops it, this test fails loudly, not production.
     */
    private static RdsUtilities rdsUtilitiesAt(Clock clock, Region region) throws Exception {
        RdsUtilities.Builder builder = RdsUtilities.builder().region(region).credentialsProvider(CREDENTIALS);
        Class<?> implementation = Class.forName("software.amazon.awssdk.services.rds.DefaultRdsUtilities");
        Constructor<?> withClock = implementation.getDeclaredConstructor(builder.getClass(), Clock.class);
        withClock.setAccessible(true);
        return (RdsUtilities) withClock.newInstance(builder, clock);
    }

    /** "host:port/?query" as RDS expects it, with the SigV4 check done independently of the SDK. */
    private record Token(String hostAndPort, String rawQuery, Map<String, String> rawParams) {

        static Token parse(String token) {
            int split = token.indexOf("/?");
            assertThat(split).as("token shape host:port/?query: %s", token).isPositive();
            Map<String, String> raw = new TreeMap<>();
            String query = token.substring(split + 2);
            for (String pair : query.split("&", -1)) {
                int eq = pair.indexOf('=');
                raw.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            return new Token(token.substring(0, split), query, raw);
        }

        String param(String name) {
            String raw = rawParams.get(name);
            return raw == null ? null : URLDecoder.decode(raw, StandardCharsets.UTF_8);
        }

        /** SigV4 of "GET / host" for service rds-db, as the database side recomputes it. */
        String expectedSignature(String secretKey) throws Exception {
            StringBuilder canonicalQuery = new StringBuilder();
            rawParams.forEach((name, value) -> {
                if (!name.equals("X-Amz-Signature")) {
                    canonicalQuery.append(canonicalQuery.length() == 0 ? "" : "&").append(name).append('=').append(value);
                }
            });
            String canonicalRequest = String.join("\n", "GET", "/", canonicalQuery, "host:" + hostAndPort, "",
                    "host", hex(sha256("")));
            String[] scope = param("X-Amz-Credential").split("/", 2);
            String stringToSign = String.join("\n", "AWS4-HMAC-SHA256", param("X-Amz-Date"), scope[1],
                    hex(sha256(canonicalRequest)));
            String[] parts = scope[1].split("/", -1); // date, region, service, aws4_request
            byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), parts[0]);
            key = hmac(key, parts[1]);
            key = hmac(key, parts[2]);
            key = hmac(key, parts[3]);
            return hex(hmac(key, stringToSign));
        }

        private static byte[] sha256(String text) throws Exception {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        }

        private static byte[] hmac(byte[] key, String data) throws Exception {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        }

        private static String hex(byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
    }
}
