package io.getport.ocean.aws.credentials.endpoint;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The load benchmark (a main class, not a test): C concurrent clients, each on its own keep-alive connection, send N
 * requests over A accounts to the running endpoint (STS is the in-process fake), then the same load to a static
 * handler on the same server that answers a constant body of the same size. Prints the AssumeRole count and the
 * p50/p99/max latency of both. Arguments: clients requests accounts (default 64 1000 20).
 */
public final class EndpointBenchmark {
    private EndpointBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int accounts = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(CredentialsEndpoint.ACCESS_LOGGER))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        try (FakeStsFixture f = FakeStsFixture.start(b -> b.stsProtection(s -> s.stsRateLimit(1000)))) {
            byte[] body = f.credentials("222222222222").body().getBytes(StandardCharsets.UTF_8);
            f.endpoint.httpServer().createContext("/static", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            int before = f.sts.count("AssumeRole");
            // Warm-up of both paths (JIT), then the measured rounds.
            run(f.port(), 8, 200, accounts, true);
            run(f.port(), 8, 200, accounts, false);
            long[] creds = run(f.port(), clients, requests, accounts, false);
            long[] stat = run(f.port(), clients, requests, accounts, true);
            System.out.printf("clients=%d requests/client=%d accounts=%d%n", clients, requests, accounts);
            System.out.printf("AssumeRole calls: %d%n", f.sts.count("AssumeRole") - before);
            System.out.printf("credentials: %s%n", summary(creds));
            System.out.printf("static:      %s%n", summary(stat));
            System.out.printf("p99 ratio credentials/static: %.2f%n",
                    (double) pct(creds, 0.99) / Math.max(1, pct(stat, 0.99)));
        }
    }

    private static long[] run(int port, int clients, int requests, int accounts, boolean staticPath) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<long[]>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            results.add(pool.submit(() -> {
                long[] lat = new long[requests];
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setTcpNoDelay(true);
                    s.setSoTimeout(30_000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    go.await();
                    for (int r = 0; r < requests; r++) {
                        String path = staticPath ? "/static" : String.format("/v1/accounts/8%011d/credentials",
                                (id + r) % accounts);
                        byte[] req = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: "
                                + FakeStsFixture.TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                        long t0 = System.nanoTime();
                        out.write(req);
                        out.flush();
                        int status = readResponse(in);
                        lat[r] = System.nanoTime() - t0;
                        if (status != 200) {
                            throw new IllegalStateException("status " + status + " for " + path);
                        }
                    }
                }
                return lat;
            }));
        }
        go.countDown();
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> r : results) {
            all.add(r.get(600, TimeUnit.SECONDS));
        }
        pool.shutdown();
        long[] merged = all.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(merged);
        return merged;
    }

    private static int readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        String h = head.toString();
        int status = Integer.parseInt(h.substring(9, 12));
        int i = h.toLowerCase().indexOf("content-length:");
        int len = Integer.parseInt(h.substring(i + 15, h.indexOf("\r\n", i)).trim());
        in.readNBytes(len);
        return status;
    }

    private static long pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String summary(long[] sorted) {
        return String.format("n=%d p50=%d us p99=%d us max=%d us", sorted.length, pct(sorted, 0.5) / 1000,
                pct(sorted, 0.99) / 1000, sorted[sorted.length - 1] / 1000);
    }
}
