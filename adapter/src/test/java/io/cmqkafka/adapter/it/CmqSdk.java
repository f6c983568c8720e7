package io.cmqkafka.adapter.it;

import com.qcloud.cmq.Account;
import com.qcloud.cmq.CMQServerException;
import com.qcloud.cmq.entity.CmqConfig;
import java.net.URL;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The official CMQ Java SDK (1.0.7) pointed at a running service. */
public final class CmqSdk {
    private static final Pattern CODE = Pattern.compile("code:(-?\\d+), message:(.*)", Pattern.DOTALL);

    private CmqSdk() {
    }

    public static Account account(URL base) {
        CmqConfig c = new CmqConfig();
        String url = base.toString();
        c.setEndpoint(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        c.setSecretId("AKIDlocaltest");
        c.setSecretKey("localkey");
        return new Account(c);
    }

    /** SDK 1.0.7 has no getter for the code: it is only in toString() ("code:7000, message:..."). */
    public static int code(CMQServerException e) {
        Matcher m = CODE.matcher(e.toString());
        return m.find() ? Integer.parseInt(m.group(1)) : Integer.MIN_VALUE;
    }
}
