package io.billingsnapshot.template;

import io.billingsnapshot.template.CfnTemplate.Fn;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * template.yaml as if deployed to a test account: parameter values for the ones without a
 * default, and plausible values for what each resource returns from Ref and GetAtt.
 */
final class DeployedStack {

    static final String REGION = "eu-west-1";
    static final String ACCOUNT = "123456789012";
    static final String STACK = "billing-snapshot";
    static final String PROXY_RESOURCE_ID = "prx-0123456789abcdef0";

    static final Map<String, String> REQUIRED_PARAMETERS = Map.of(
            "VpcId", "vpc-0a1b2c3d",
            "DatabaseSecurityGroupId", "sg-0database",
            "DatabaseIdentifier", "gateway-cluster",
            "DatabaseName", "gateway",
            "ProxySecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:billing-snapshot-AbCdEf",
            "GatewaySenderRoleArn", "arn:aws:iam::123456789012:role/gateway-sender");

    private DeployedStack() {
    }

    static CfnEvaluator evaluator(CfnTemplate template) {
        return evaluator(template, Map.of());
    }

    /** An evaluator with the required parameters, {@code overrides} on top of them. */
    static CfnEvaluator evaluator(CfnTemplate template, Map<String, String> overrides) {
        Map<String, String> parameters = new HashMap<>(REQUIRED_PARAMETERS);
        parameters.putAll(overrides);
        return new CfnEvaluator(template, parameters, runtime(template));
    }

    static String queueUrl(String logicalId) {
        return "https://sqs." + REGION + ".amazonaws.com/" + ACCOUNT + "/" + STACK + "-" + logicalId;
    }

    static String queueArn(String logicalId) {
        return "arn:aws:sqs:" + REGION + ":" + ACCOUNT + ":" + STACK + "-" + logicalId;
    }

    private static Map<String, String> runtime(CfnTemplate template) {
        Map<String, String> values = new HashMap<>(Map.of(
                "AWS::Region", REGION,
                "AWS::AccountId", ACCOUNT,
                "AWS::Partition", "aws",
                "AWS::StackName", STACK,
                "AWS::URLSuffix", "amazonaws.com"));
        for (String id : template.section("Resources").keySet()) {
            switch (template.type(id)) {
                case "AWS::SQS::Queue" -> {
                    values.put(id, queueUrl(id));
                    values.put(id + ".Arn", queueArn(id));
                    values.put(id + ".QueueName", STACK + "-" + id);
                    values.put(id + ".QueueUrl", queueUrl(id));
                }
                case "AWS::RDS::DBProxy" -> {
                    values.put(id, STACK + "-billing");
                    values.put(id + ".Endpoint", STACK + "-billing.proxy-c0ffee00.eu-west-1.rds.amazonaws.com");
                    values.put(id + ".DBProxyArn", "arn:aws:rds:" + REGION + ":" + ACCOUNT + ":db-proxy:"
                            + PROXY_RESOURCE_ID);
                }
                case "AWS::Logs::LogGroup" -> {
                    String name = "/aws/lambda/" + STACK + "-" + id;
                    values.put(id, name);
                    values.put(id + ".Arn", "arn:aws:logs:" + REGION + ":" + ACCOUNT + ":log-group:" + name + ":*");
                }
                case "AWS::EC2::SecurityGroup" -> values.put(id + ".GroupId", "sg-" + id.toLowerCase(Locale.ROOT));
                case "AWS::IAM::Role" -> values.put(id + ".Arn", "arn:aws:iam::" + ACCOUNT + ":role/" + id);
                case "AWS::SNS::Topic" -> values.put(id, "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":" + id);
                case "AWS::CloudWatch::Alarm" -> values.put(id + ".Arn",
                        "arn:aws:cloudwatch:" + REGION + ":" + ACCOUNT + ":alarm:" + STACK + "-" + id);
                case "AWS::CloudWatch::Dashboard" -> values.put(id, STACK);
                case "AWS::Serverless::Function" -> {
                    values.put(id, STACK + "-" + id);
                    values.put(id + ".Alias", "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + id + ":live");
                }
                default -> {
                    // not referenced by what the tests evaluate
                }
            }
        }
        return values;
    }

    /** The logical id an intrinsic points at: {@code !Ref X} or {@code !GetAtt X.Y}. */
    static String target(Object node) {
        if (node instanceof Fn fn && fn.name().equals("Ref")) {
            return (String) fn.argument();
        }
        if (node instanceof Fn fn && fn.name().equals("Fn::GetAtt")) {
            return (String) ((List<?>) fn.argument()).get(0);
        }
        throw new AssertionError("expected !Ref or !GetAtt of a resource, got " + node);
    }
}
