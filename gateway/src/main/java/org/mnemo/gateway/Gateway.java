package org.mnemo.gateway;

import java.time.Clock;
import java.time.Duration;
import org.mnemo.gateway.auth.AuthStore;
import org.mnemo.gateway.auth.Authenticator;
import org.mnemo.gateway.auth.Jwts;
import org.mnemo.gateway.auth.SecretBox;
import org.mnemo.gateway.auth.SigningKeys;
import org.mnemo.gateway.auth.TokenUse;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.config.GatewayConfig;
import org.mnemo.gateway.health.Health;
import org.mnemo.gateway.health.OperationalMetrics;
import org.mnemo.gateway.ingest.IngestJobs;
import org.mnemo.gateway.mcp.McpEndpoint;
import org.mnemo.gateway.rest.GatewayServer;
import org.mnemo.gateway.web.Metrics;
import org.mnemo.gateway.web.RateLimits;

/**
 * The gateway assembled: a driver to Neo4j, the schema applied, the admin bootstrapped, the HTTP server up.
 * Everything it keeps lives in the database, so several gateways can serve one database.
 */
public final class Gateway implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Gateway.class);
    private final MnemoClient client;
    private final GatewayServer server;
    private final McpEndpoint mcp;
    private final IngestJobs jobs;
    private final OperationalMetrics operational;
    private final TokenUse tokenUse;
    private final String generatedAdminToken;

    private Gateway(
            MnemoClient client,
            GatewayServer server,
            McpEndpoint mcp,
            IngestJobs jobs,
            OperationalMetrics operational,
            TokenUse tokenUse,
            String generatedAdminToken) {
        this.client = client;
        this.server = server;
        this.mcp = mcp;
        this.jobs = jobs;
        this.operational = operational;
        this.tokenUse = tokenUse;
        this.generatedAdminToken = generatedAdminToken;
    }

    /**
     * The gateway on its own beside a Neo4j server (docker/Dockerfile.gateway), configured by MNEMO_* variables alone;
     * ./mnemo serve starts the same gateway, with an embedded Neo4j unless MNEMO_NEO4J_URI names one.
     */
    public static void main(String[] args) throws InterruptedException {
        GatewayConfig config = GatewayConfig.fromEnvironment();
        Gateway gateway = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "mnemo-shutdown"));
        LOG.info("Mnemo gateway on port {}, Neo4j at {}", gateway.port(), config.neo4jUri());
        if (gateway.generatedAdminToken() != null) {
            // First start without MNEMO_ADMIN_TOKEN: the only time this token is shown.
            LOG.warn("Generated admin token (shown only this once): {}", gateway.generatedAdminToken());
        }
        // Serves until the JVM is stopped; the shutdown hook closes the gateway.
        Thread.currentThread().join();
    }

    public static Gateway start(GatewayConfig config) {
        if (config.neo4jUri() == null || config.neo4jPassword() == null) {
            throw new IllegalArgumentException("MNEMO_NEO4J_URI and MNEMO_NEO4J_PASSWORD are required");
        }
        GatewayConfig.Security security = config.security();
        if (security.secretKey() == null) {
            throw new IllegalArgumentException("MNEMO_SECRET_KEY (or MNEMO_SECRET_KEY_FILE) is required: it seals the "
                    + "team signing keys in the graph; give every gateway of one database the same key "
                    + "(`openssl rand -base64 32`)");
        }
        MnemoClient client = new MnemoClient(
                config.neo4jUri(),
                config.neo4jUser(),
                config.neo4jPassword(),
                Duration.ofSeconds(security.queryTimeoutSeconds()),
                Duration.ofSeconds(
                        Math.max(security.queryTimeoutSeconds(), config.ingest().deadlineSeconds())));
        TokenUse tokenUse = null;
        try {
            client.verifyConnectivity();
            client.applySchema();
            AuthStore store = new AuthStore(client);
            String generated = bootstrapAdmin(store, config.adminToken());
            Clock clock = Clock.systemUTC();
            SigningKeys keys = new SigningKeys(store, new SecretBox(security.secretKey()), clock);
            keys.sealPlaintextKeys();
            Jwts jwts = new Jwts(config.daedalusKeys(), security.daedalusAudience(), keys, clock);
            Metrics metrics = new Metrics();
            tokenUse = new TokenUse(store);
            Authenticator authenticator =
                    new Authenticator(client, jwts, security.daedalusPrincipal(), tokenUse, security.plugin());
            RateLimits limits = new RateLimits(security.ratePerSecond(), security.rateBurst());
            IngestJobs jobs = new IngestJobs(client, config.ingest());
            OperationalMetrics operational = new OperationalMetrics(client, jobs);
            metrics.register(operational);
            Health health = new Health(client, jobs.buckets()::probe, security.healthCacheSeconds());
            McpEndpoint mcp = new McpEndpoint(config, client, authenticator, metrics, limits, health);
            // What a crash of any gateway left half done is put right before serving (and every few minutes).
            jobs.recover();
            warmCache(client);
            GatewayServer server = GatewayServer.start(
                    config,
                    new GatewayServer.Services(
                            client,
                            store,
                            keys,
                            jwts,
                            authenticator,
                            metrics,
                            jobs,
                            limits,
                            health,
                            mcp.routes(),
                            mcp::mount));
            return new Gateway(client, server, mcp, jobs, operational, tokenUse, generated);
        } catch (RuntimeException e) {
            if (tokenUse != null) {
                tokenUse.close();
            }
            client.close();
            throw e;
        }
    }

    /**
     * Has the plugin fill its search cache in the background, so the first searches after a start do not read every
     * vector from the store; searches are served meanwhile.
     */
    private static void warmCache(MnemoClient client) {
        Thread warm = new Thread(
                () -> {
                    try {
                        long started = System.nanoTime();
                        Rows.CacheWarmed w = client.warmCache();
                        LOG.info(
                                "search cache warmed in {} ms: {} chunks of {} items read, {} vectors held ({} of {} MB{})",
                                (System.nanoTime() - started) / 1_000_000,
                                w.chunks(),
                                w.items(),
                                w.entries(),
                                w.bytes() >> 20,
                                w.budget_bytes() >> 20,
                                w.full() ? ", full" : "");
                    } catch (RuntimeException e) {
                        LOG.info("search cache not warmed: {}", e.getMessage());
                    }
                },
                "mnemo-cache-warm");
        warm.setDaemon(true);
        warm.start();
    }

    /**
     * Installs the admin and its bootstrap token: the configured one (replacing a stored one), or on first start
     * a generated one, which is returned so that it is printed once.
     */
    private static String bootstrapAdmin(AuthStore store, String configured) {
        if (configured != null) {
            store.ensureAdmin(Tokens.sha256Hex(configured), Tokens.mask(configured));
            return null;
        }
        if (store.hasBootstrapToken()) {
            store.ensureAdmin(null, null);
            return null;
        }
        String token = Tokens.generate();
        store.ensureAdmin(Tokens.sha256Hex(token), Tokens.mask(token));
        return token;
    }

    public int port() {
        return server.port();
    }

    /** The gateway's connection to Neo4j (tests count its write statements). */
    /** The ingest jobs and this gateway's workers. */
    public IngestJobs jobs() {
        return jobs;
    }

    public MnemoClient client() {
        return client;
    }

    public GatewayServer server() {
        return server;
    }

    /** The admin token generated at this start (first start without MNEMO_ADMIN_TOKEN), else null. */
    public String generatedAdminToken() {
        return generatedAdminToken;
    }

    @Override
    public void close() {
        mcp.close();
        server.close();
        operational.close();
        jobs.close();
        tokenUse.close();
        client.close();
    }
}
