package io.billingsnapshot.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

@Tag("soak")
class MessageGroupGuardTest {

    private static List<Message> batchOfGroup(String group) {
        return List.of(Message.builder().messageId(group + "-1")
                .attributes(Map.of(MessageSystemAttributeName.MESSAGE_GROUP_ID, group)).build());
    }

    @Test
    void countsAGroupEnteredByASecondInvocationBeforeTheFirstLeft() {
        MessageGroupGuard guard = new MessageGroupGuard();

        guard.enter(batchOfGroup("a"));
        guard.enter(batchOfGroup("b"));
        guard.enter(batchOfGroup("a"));
        guard.leave(batchOfGroup("a"));
        guard.enter(batchOfGroup("a"));

        assertThat(guard.overlaps()).isEqualTo(2);
    }

    @Test
    void countsNothingWhenInvocationsOfAGroupFollowEachOther() {
        MessageGroupGuard guard = new MessageGroupGuard();

        guard.enter(batchOfGroup("a"));
        guard.leave(batchOfGroup("a"));
        guard.enter(batchOfGroup("a"));

        assertThat(guard.overlaps()).isZero();
    }
}
