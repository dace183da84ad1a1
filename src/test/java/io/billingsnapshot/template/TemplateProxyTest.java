package io.billingsnapshot.template;

import static io.billingsnapshot.template.BillingStack.TEMPLATE;
import static io.billingsnapshot.template.BillingStack.function;
import static io.billingsnapshot.template.CfnTemplate.list;
import static io.billingsnapshot.template.CfnTemplate.map;
import static io.billingsnapshot.template.DeployedStack.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RDS Proxy and the network: IAM auth and TLS required, PostgreSQL open only hop by hop. */
class TemplateProxyTest {

    @Test
    void theProxyRequiresIamAuthenticationAndTls() {
        String proxy = BillingStack.proxy();
        Map<String, Object> properties = TEMPLATE.properties(proxy);

        assertThat(properties).containsEntry("RequireTLS", true).containsEntry("EngineFamily", "POSTGRESQL");
        assertThat(list(properties.get("Auth"))).isNotEmpty().allSatisfy(auth ->
                assertThat(map(auth)).containsEntry("IAMAuth", "REQUIRED"));
        String targetGroup = TEMPLATE.onlyResourceOfType("AWS::RDS::DBProxyTargetGroup");
        assertThat(TEMPLATE.properties(targetGroup).get("DBProxyName")).isEqualTo(CfnTemplate.Fn.ref(proxy));
    }

    @Test
    void onlyTheProxyReachesTheDatabaseAndOnlyTheFunctionReachesTheProxy() {
        CfnEvaluator stack = DeployedStack.evaluator(TEMPLATE);
        List<Map<String, Object>> ingress = TEMPLATE.resourcesOfType("AWS::EC2::SecurityGroupIngress").stream()
                .map(id -> TEMPLATE.properties(id)).toList();
        String functionGroup = target(list(map(function().get("VpcConfig")).get("SecurityGroupIds")).get(0));
        String proxyGroup = target(list(TEMPLATE.properties(BillingStack.proxy()).get("VpcSecurityGroupIds")).get(0));

        assertThat(ingress).extracting(rule -> stack.string(rule.get("GroupId")), rule -> target(rule.get("SourceSecurityGroupId")))
                .containsExactlyInAnyOrder(
                        tuple("sg-0database", proxyGroup),
                        tuple("sg-" + proxyGroup.toLowerCase(Locale.ROOT), functionGroup));
        assertThat(ingress).allSatisfy(rule -> assertThat(rule).containsEntry("IpProtocol", "tcp"));
    }
}
