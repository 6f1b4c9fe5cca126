package io.getport.ocean.aws.credentials.organizations;

import io.getport.ocean.aws.credentials.accounts.*;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * An in-process AWS Organizations speaking AWS JSON 1.1 ({@code POST /}, {@code X-Amz-Target}), for what moto cannot
 * show: more accounts than fit one page with the real page limit (20), throttling, 5xx and the real error shapes.
 * Signatures are recorded, not checked.
 */
final class FakeOrganizations implements AutoCloseable {
    static final String MANAGEMENT = "999988887777";
    static final String ROOT = "r-ab12";

    /** One recorded request. */
    record Request(String target, String contentType, String authorization, String body) {
        String operation() {
            return target == null ? "" : target.substring(target.indexOf('.') + 1);
        }
    }

    private record Account(String id, String name, String state, String parent) {
    }

    private record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Account> accounts = new CopyOnWriteArrayList<>();
    private final Map<String, String> unitParents = Collections.synchronizedMap(new java.util.LinkedHashMap<>());
    private final Queue<Answer> nextAnswers = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Answer always;

    FakeOrganizations() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
        accounts.add(new Account(MANAGEMENT, "management", "ACTIVE", ROOT));
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    FakeOrganizations account(String id, String name, String state, String parent) {
        accounts.add(new Account(id, name, state, parent));
        return this;
    }

    FakeOrganizations unit(String id, String parent) {
        unitParents.put(id, parent);
        return this;
    }

    /** The next requests get these answers, one each. */
    FakeOrganizations failNext(int status, String errorType, String message, int times) {
        for (int i = 0; i < times; i++) {
            nextAnswers.add(new Answer(status, error(errorType, message)));
        }
        return this;
    }

    /** Every request gets this error until {@link #recover()}. */
    FakeOrganizations fail(int status, String errorType, String message) {
        always = new Answer(status, error(errorType, message));
        return this;
    }

    FakeOrganizations recover() {
        always = null;
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    long count(String operation) {
        return requests.stream().filter(r -> r.operation().equals(operation)).count();
    }

    private static String error(String type, String message) {
        return "{\"__type\":\"" + type + "\",\"Message\":\"" + message + "\"}";
    }

    private void serve(HttpExchange exchange) throws IOException {
        try {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            Request request = new Request(target, exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body);
            requests.add(request);
            Answer answer = nextAnswers.poll();
            if (answer == null) {
                answer = always;
            }
            if (answer == null) {
                answer = respond(request.operation(), JsonNode.parser().parse(body.isEmpty() ? "{}" : body));
            }
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(answer.status(), out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        } finally {
            exchange.close();
        }
    }

    private Answer respond(String operation, JsonNode input) {
        switch (operation) {
            case "DescribeOrganization":
                return new Answer(200, "{\"Organization\":{\"Id\":\"o-fake123456\",\"MasterAccountId\":\"" + MANAGEMENT
                        + "\",\"FeatureSet\":\"ALL\"}}");
            case "ListAccounts":
                return page(accounts.stream().map(FakeOrganizations::accountJson).collect(Collectors.toList()),
                        "Accounts", input);
            case "ListAccountsForParent": {
                String parent = input.field("ParentId").map(JsonNode::asString).orElse("");
                if (!parent.equals(ROOT) && !unitParents.containsKey(parent)) {
                    return new Answer(400, error("ParentNotFoundException",
                            "You specified parent that doesn't exist."));
                }
                return page(accounts.stream().filter(a -> a.parent().equals(parent))
                        .map(FakeOrganizations::accountJson).collect(Collectors.toList()), "Accounts", input);
            }
            case "ListOrganizationalUnitsForParent": {
                String parent = input.field("ParentId").map(JsonNode::asString).orElse("");
                List<String> units = new ArrayList<>();
                synchronized (unitParents) {
                    unitParents.forEach((id, p) -> {
                        if (p.equals(parent)) {
                            units.add("{\"Id\":\"" + id + "\",\"Name\":\"" + id + "\"}");
                        }
                    });
                }
                return page(units, "OrganizationalUnits", input);
            }
            default:
                return new Answer(400, error("UnknownOperationException", operation));
        }
    }

    /** NextToken paging with the real limit: MaxResults is required to be 1..20 here, as in AWS. */
    private static Answer page(List<String> items, String key, JsonNode input) {
        int max = input.field("MaxResults").map(n -> Integer.parseInt(n.asNumber())).orElse(20);
        if (max < 1 || max > 20) {
            return new Answer(400, error("InvalidInputException", "MaxResults must be 1..20"));
        }
        int start = input.field("NextToken").map(t -> Integer.parseInt(t.asString().substring(4))).orElse(0);
        int end = Math.min(items.size(), start + max);
        String next = end < items.size() ? ",\"NextToken\":\"tok-" + end + "\"" : "";
        return new Answer(200, "{\"" + key + "\":[" + String.join(",", items.subList(start, end)) + "]" + next + "}");
    }

    private static String accountJson(Account a) {
        return "{\"Id\":\"" + a.id() + "\",\"Arn\":\"arn:aws:organizations::" + MANAGEMENT + ":account/o-fake123456/"
                + a.id() + "\",\"Email\":\"" + a.name() + "@example.com\",\"Name\":\"" + a.name()
                + "\",\"Status\":\"" + a.state() + "\",\"State\":\"" + a.state()
                + "\",\"JoinedMethod\":\"CREATED\",\"JoinedTimestamp\":1.7E9}";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
