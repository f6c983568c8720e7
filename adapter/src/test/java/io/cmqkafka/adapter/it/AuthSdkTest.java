package io.cmqkafka.adapter.it;

import static io.cmqkafka.adapter.it.AuthProfile.ADMIN_ID;
import static io.cmqkafka.adapter.it.AuthProfile.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.qcloud.cmq.Account;
import com.qcloud.cmq.CMQServerException;
import com.qcloud.cmq.Message;
import com.qcloud.cmq.QueueMeta;
import com.qcloud.cmq.entity.CmqConfig;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Authentication end to end with the official Java SDK 1.0.7: it signs with the Host it addresses. */
@QuarkusTest
@TestProfile(AuthProfile.class)
class AuthSdkTest {

    @TestHTTPResource("/")
    URL url;

    Account account(String id, String key, String signMethod) {
        CmqConfig c = new CmqConfig();
        String u = url.toString();
        c.setEndpoint(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        c.setSecretId(id);
        c.setSecretKey(key);
        if (signMethod != null) {
            c.setSignMethod(signMethod);
        }
        return new Account(c);
    }

    static CMQServerException serverError(Executable call) {
        return catchThrowableOfType(CMQServerException.class, () -> call.execute());
    }

    static void assertError(Executable call, int code, String message) {
        CMQServerException e = serverError(call);
        assertThat(e).as("expected code %d", code).isNotNull();
        assertThat(CmqSdk.code(e)).as(e.toString()).isEqualTo(code);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    static Message receive(com.qcloud.cmq.Queue q) throws Exception {
        for (int i = 0; ; i++) {
            try {
                return q.receiveMessage(1);
            } catch (CMQServerException e) {
                if (CmqSdk.code(e) != 7000 || i > 10) {
                    throw e;
                }
            }
        }
    }

    @Test
    void rightKeyWorksForEveryQueueAction() throws Exception {
        for (String method : new String[] {null, "sha256"}) {
            Account a = account(ADMIN_ID, ADMIN_KEY, method);
            String name = "auth-sdk-" + (method == null ? "sha1" : method);
            QueueMeta meta = new QueueMeta();
            meta.visibilityTimeout = 60;
            a.createQueue(name, meta);
            com.qcloud.cmq.Queue q = a.getQueue(name);
            assertThat(q.getQueueAttributes().visibilityTimeout).isEqualTo(60);
            String body = "signed wörld & more+plus=eq @" + method;
            String id = q.send(body).getMsgId();
            Message m = receive(q);
            assertThat(m.msgId).isEqualTo(id);
            assertThat(m.msgBody).isEqualTo(body);
            q.deleteMessage(m.receiptHandle);
            List<String> ids = q.batchSendMessage(List.of("a", "b", "@c"));
            assertThat(ids).hasSize(3);
            List<String> names = new ArrayList<>();
            assertThat(a.listQueue(name, 0, 10, names)).isEqualTo(1);
            a.deleteQueue(name);
        }
    }

    @Test
    void wrongKeyOrUnknownIdGets4100() {
        assertError(() -> account(ADMIN_ID, "not-the-key", null).listQueue("", 0, 10, new ArrayList<>()), 4100,
                "(10030)authentication failed: Signature does not match");
        assertError(() -> account(ADMIN_ID, "not-the-key", "sha256").createQueue("auth-never", new QueueMeta()),
                4100, "(10030)authentication failed: Signature does not match");
        assertError(() -> account("AKIDnobody", ADMIN_KEY, null).listQueue("", 0, 10, new ArrayList<>()), 4100,
                "(10270)secret id is not existed");
        // Nothing was created by the refused call.
        assertError(() -> account(ADMIN_ID, ADMIN_KEY, null).getQueue("auth-never").getQueueAttributes(), 4440,
                "(10100)queue is not existed, or deleted");
    }

    @Test
    void keyFromTheCredentialsFileWorksAndRotates() throws Exception {
        Account fromFile = account(AuthProfile.FILE_ID, AuthProfile.FILE_KEY, null);
        fromFile.listQueue("", 0, 1, new ArrayList<>());

        AuthProfile.writeCredentialsFile(AuthProfile.FILE_ID + ":rotated-key\n");
        Account rotated = account(AuthProfile.FILE_ID, "rotated-key", null);
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                rotated.listQueue("", 0, 1, new ArrayList<>());
                break;
            } catch (CMQServerException e) {
                assertThat(System.currentTimeMillis()).as("rotation picked up in time: %s", e).isLessThan(deadline);
                Thread.sleep(100);
            }
        }
        assertError(() -> fromFile.listQueue("", 0, 1, new ArrayList<>()), 4100,
                "(10030)authentication failed: Signature does not match");
        // Back as it was, for the other suites of this profile.
        AuthProfile.writeCredentialsFile(AuthProfile.FILE_ID + ":" + AuthProfile.FILE_KEY + "\n");
        deadline = System.currentTimeMillis() + 10_000;
        while (serverError(() -> fromFile.listQueue("", 0, 1, new ArrayList<>())) != null) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void permissionsRestrictActionsAndQueues() throws Exception {
        Account admin = account(ADMIN_ID, ADMIN_KEY, null);
        admin.createQueue("auth-perm-orders", new QueueMeta());
        admin.createQueue("auth-secret-payroll", new QueueMeta());
        Account sender = account(AuthProfile.SEND_ONLY_ID, AuthProfile.SEND_ONLY_KEY, null);

        String id = sender.getQueue("auth-perm-orders").send("order 1").getMsgId();
        assertThat(sender.getQueue("auth-perm-orders").batchSendMessage(List.of("order 2", "order 3"))).hasSize(2);
        assertError(() -> sender.getQueue("auth-perm-orders").receiveMessage(0), 4000,
                "(10461)no cam authentication: AKIDsendonly may not use receive actions (ReceiveMessage)");
        assertError(() -> sender.getQueue("auth-secret-payroll").send("forged"), 4000,
                "(10461)no cam authentication: AKIDsendonly may not use queue auth-secret-payroll");
        assertError(() -> sender.deleteQueue("auth-perm-orders"), 4000,
                "(10461)no cam authentication: AKIDsendonly may not use manage actions (DeleteQueue)");
        assertError(() -> sender.createQueue("auth-perm-new", new QueueMeta()), 4000,
                "(10461)no cam authentication: AKIDsendonly may not use manage actions (CreateQueue)");

        // A key scoped to auth-perm-* lists only those queues, and cannot name others in any parameter.
        Account scoped = account(AuthProfile.SCOPED_ID, AuthProfile.SCOPED_KEY, null);
        List<String> names = new java.util.ArrayList<>();
        assertThat(scoped.listQueue("auth-", 0, 50, names)).isEqualTo(1);
        assertThat(names).containsExactly("auth-perm-orders");
        names.clear();
        admin.listQueue("auth-", 0, 50, names);
        assertThat(names).contains("auth-perm-orders", "auth-secret-payroll");
        assertError(() -> scoped.getQueue("auth-secret-payroll").getQueueAttributes(), 4000,
                "(10461)no cam authentication: AKIDscoped may not use queue auth-secret-payroll");

        // The denied calls changed nothing.
        com.qcloud.cmq.Queue orders = admin.getQueue("auth-perm-orders");
        Message m = receive(orders);
        assertThat(m.msgId).isEqualTo(id);
        assertThat(admin.getQueue("auth-secret-payroll").getQueueAttributes().activeMsgNum).isZero();
        admin.deleteQueue("auth-perm-orders");
        admin.deleteQueue("auth-secret-payroll");
    }

    @Test
    void keyRateLimitAnswers4420() throws Exception {
        Account throttled = account(AuthProfile.THROTTLED_ID, AuthProfile.THROTTLED_KEY, null);
        int ok = 0;
        int limited = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 12; i++) {
            CMQServerException e = serverError(() -> throttled.listQueue("", 0, 1, new ArrayList<>()));
            if (e == null) {
                ok++;
            } else {
                assertThat(CmqSdk.code(e)).isEqualTo(4420);
                assertThat(e.getMessage()).isEqualTo("(10250)qps throttling: SecretId AKIDthrottled is limited to 3 "
                        + "requests/s");
                limited++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(limited).isPositive();
        assertThat(ok).isBetween(3, 3 + (int) Math.ceil(seconds * 3));
        Thread.sleep(1100);
        throttled.listQueue("", 0, 1, new ArrayList<>());
    }
}
