package org.mnemo.gateway.ingest;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.mnemo.gateway.config.GatewayConfig;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The S3 buckets files come from (by the job's source name; blank or unknown names mean "daedalus", as producers
 * expect), Mnemo's own bucket for originals and the upload bucket ({@link UploadStore}). One client per bucket,
 * built on first use.
 */
public final class Buckets implements AutoCloseable {
    public static final String DEFAULT_SOURCE = "daedalus";

    private final Map<String, GatewayConfig.Bucket> sources;
    private final GatewayConfig.Bucket storage;
    private final GatewayConfig.Bucket uploads;
    private final long maxFileBytes;
    private final Map<String, S3Client> clients = new ConcurrentHashMap<>();

    public Buckets(GatewayConfig.Ingest config) {
        this.sources = config.sources();
        this.storage = config.storage();
        this.uploads = config.uploadBucket();
        this.maxFileBytes = config.maxFileBytes();
    }

    /** The source name a job is stored with: lower case, and "daedalus" for blank or unknown names. */
    public String sourceName(String source) {
        String name = source == null ? "" : source.strip().toLowerCase(Locale.ROOT);
        return sources.containsKey(name) ? name : DEFAULT_SOURCE;
    }

    /**
     * Why this caller may not have this key of a source bucket ingested, or null when it may: the bucket must name
     * the caller's principal (or "*"; the admin always may) and the key must lie under the bucket's prefix for the
     * job's workspace; the source must be configured at all. Decided before any S3 call, from configuration alone,
     * so the answer is the same whether or not the key exists.
     */
    public String refusal(String source, String key, String principal, boolean admin, String workspaceId) {
        GatewayConfig.Bucket bucket = sources.get(sourceName(source));
        if (bucket == null) {
            // Refused up front: a job would only fail, and bad input writes nothing.
            return "source_not_configured: no source bucket '" + sourceName(source) + "' is configured here";
        }
        if (!admin && !bucket.principals().contains("*") && !bucket.principals().contains(principal)) {
            return "source_forbidden: '" + principal + "' may not read the source bucket '" + bucket.name()
                    + "' (MNEMO_SOURCE_" + bucket.name().toUpperCase(Locale.ROOT) + "_PRINCIPALS)";
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            return "s3_key_forbidden: the key must not contain control characters";
        }
        if (key.startsWith("/")
                || key.contains("//")
                || key.contains("\\")
                || java.util.Arrays.asList(key.split("/")).contains("..")) {
            return "s3_key_forbidden: the key must be relative, without '..' or empty segments";
        }
        String prefix = bucket.keyPrefix();
        if (prefix.contains("{workspace_id}")) {
            if (workspaceId == null) {
                return "s3_key_forbidden: the source bucket '" + bucket.name() + "' serves workspaces only; give "
                        + "workspace_id";
            }
            prefix = prefix.replace("{workspace_id}", workspaceId);
        }
        prefix = prefix.replace("{principal}", principal);
        if (!key.startsWith(prefix)) {
            return "s3_key_forbidden: keys of this workspace must start with '" + prefix + "'";
        }
        return null;
    }

    /**
     * The keys under {@code prefix} in a source bucket, at most {@code max}, in key order; none when the source is
     * not configured. The caller checks each key with {@link #refusal} before using it.
     */
    public List<String> list(String source, String prefix, int max) {
        GatewayConfig.Bucket bucket = sources.get(sourceName(source));
        if (bucket == null) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        for (var object : client(bucket)
                .listObjectsV2Paginator(b -> b.bucket(bucket.bucket()).prefix(prefix))
                .contents()) {
            if (keys.size() >= max) {
                break;
            }
            if (!object.key().endsWith("/")) {
                keys.add(object.key());
            }
        }
        return keys;
    }

    /** Whether a source of this name is configured. */
    public boolean configured(String source) {
        return source != null && sources.containsKey(source.strip().toLowerCase(Locale.ROOT));
    }

    /** Reads an object of a source; a missing bucket or key is permanent, anything else is retried. */
    public byte[] read(String source, String key) {
        GatewayConfig.Bucket bucket = sources.get(sourceName(source));
        if (bucket == null) {
            throw IngestFailure.permanent("no source bucket is configured for '" + sourceName(source)
                    + "' (MNEMO_SOURCE_" + sourceName(source).toUpperCase(Locale.ROOT) + "_BUCKET)");
        }
        return read(bucket, key, "");
    }

    /**
     * Reads an object (size checked first); a missing bucket or key is permanent, its message starting with
     * {@code missingCode}, and so is denied access; anything else (network, 5xx) is retried.
     */
    byte[] read(GatewayConfig.Bucket bucket, String key, String missingCode) {
        try {
            S3Client client = client(bucket);
            long size =
                    client.headObject(b -> b.bucket(bucket.bucket()).key(key)).contentLength();
            if (size > maxFileBytes) {
                throw IngestFailure.permanent("s3://" + bucket.bucket() + "/" + key + " has " + size
                        + " bytes, more than the limit of " + maxFileBytes + " (MNEMO_INGEST_MAX_FILE_BYTES)");
            }
            return client.getObjectAsBytes(b -> b.bucket(bucket.bucket()).key(key))
                    .asByteArray();
        } catch (NoSuchKeyException | NoSuchBucketException e) {
            throw IngestFailure.permanent(missingCode + "s3://" + bucket.bucket() + "/" + key + " does not exist", e);
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                throw IngestFailure.permanent(
                        missingCode + "s3://" + bucket.bucket() + "/" + key + " does not exist", e);
            }
            if (e.statusCode() == 403) {
                throw IngestFailure.permanent("access to s3://" + bucket.bucket() + "/" + key + " is denied", e);
            }
            throw IngestFailure.transientFailure(
                    "reading s3://" + bucket.bucket() + "/" + key + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw IngestFailure.transientFailure(
                    "reading s3://" + bucket.bucket() + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    /** Writes an object (a PUT is atomic: readers see all of it or nothing); SdkException when it fails. */
    void put(GatewayConfig.Bucket bucket, String key, byte[] content) {
        client(bucket).putObject(b -> b.bucket(bucket.bucket()).key(key), RequestBody.fromBytes(content));
    }

    /** Deletes an object; one that is not there is no error. */
    void delete(GatewayConfig.Bucket bucket, String key) {
        client(bucket).deleteObject(b -> b.bucket(bucket.bucket()).key(key));
    }

    /** Copies the original into Mnemo's own bucket at items/{item}/original.{ext}; false without one. */
    public boolean storeOriginal(String itemUid, String extension, byte[] content) {
        if (storage == null) {
            return false;
        }
        try {
            put(storage, originalKey(itemUid, extension), content);
            return true;
        } catch (SdkException e) {
            throw IngestFailure.transientFailure(
                    "storing the original in s3://" + storage.bucket() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Whether every configured bucket (the sources, Mnemo's own and the upload bucket) answers: null when none is
     * configured, else throws naming the first that does not (for health checks; a HEAD of the bucket, nothing is
     * read).
     */
    public String probe() {
        List<GatewayConfig.Bucket> all = new ArrayList<>(sources.values());
        if (storage != null) {
            all.add(storage);
        }
        if (uploads != null) {
            all.add(uploads);
        }
        if (all.isEmpty()) {
            return null;
        }
        for (GatewayConfig.Bucket bucket : all) {
            try {
                client(bucket).headBucket(b -> b.bucket(bucket.bucket()));
            } catch (SdkException e) {
                throw new IllegalStateException(
                        "s3://" + bucket.bucket() + " (" + bucket.name() + ") does not " + "answer: " + e.getMessage(),
                        e);
            }
        }
        return all.size() + " bucket(s)";
    }

    public static String originalKey(String itemUid, String extension) {
        return "items/" + itemUid + "/original." + extension;
    }

    private S3Client client(GatewayConfig.Bucket bucket) {
        return clients.computeIfAbsent(bucket.name(), n -> {
            UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(5))
                    .socketTimeout(Duration.ofSeconds(60));
            if (!bucket.tlsVerify()) {
                http.tlsTrustManagersProvider(() -> new TrustManager[] {TRUST_ALL});
            }
            var builder = S3Client.builder()
                    .httpClient(http.build())
                    .region(Region.of(bucket.region()))
                    .forcePathStyle(bucket.pathStyle())
                    .credentialsProvider(
                            bucket.accessKey() == null
                                    ? (bucket.endpoint() == null
                                            ? DefaultCredentialsProvider.builder()
                                                    .build()
                                            : AnonymousCredentialsProvider.create())
                                    : StaticCredentialsProvider.create(
                                            AwsBasicCredentials.create(bucket.accessKey(), bucket.secretKey())));
            if (bucket.endpoint() != null) {
                builder.endpointOverride(URI.create(bucket.endpoint()));
            }
            return builder.build();
        });
    }

    // Only for MNEMO_*_TLS_VERIFY=false (self-signed test endpoints); documented as such.
    private static final X509TrustManager TRUST_ALL = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    @Override
    public void close() {
        clients.values().forEach(S3Client::close);
    }
}
