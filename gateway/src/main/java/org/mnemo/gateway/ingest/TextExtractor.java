package org.mnemo.gateway.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.sax.BodyContentHandler;
import org.xml.sax.SAXException;

/**
 * Text from a document with Apache Tika. Markdown, plain text, JSON and CSV are read as UTF-8 text as they are
 * (Markdown keeps its headings, which the chunker uses); everything else goes through Tika's parsers — against
 * hostile files: a time limit per document (a parser that loops is abandoned), a limit on the extracted text, Tika's
 * zip-bomb guard (the ratio of extracted text to input, and nesting depth), its secure XML parsing (no external
 * entities), and a parse that runs out of stack or memory fails its document, not the worker.
 */
public final class TextExtractor implements AutoCloseable {
    private static final Set<String> RAW_TEXT = Set.of("md", "txt", "json", "csv");

    private final AutoDetectParser parser = new AutoDetectParser();
    private final long maxFileBytes;
    private final int maxTextChars;
    private final int timeoutSeconds;
    private final ExecutorService parsing = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mnemo-extract");
        t.setDaemon(true);
        return t;
    });

    public TextExtractor(long maxFileBytes, long maxTextChars, int timeoutSeconds) {
        this.maxFileBytes = maxFileBytes;
        this.maxTextChars = (int) Math.min(Integer.MAX_VALUE, maxTextChars);
        this.timeoutSeconds = timeoutSeconds;
    }

    public void checkSize(long bytes) {
        if (bytes > maxFileBytes) {
            throw IngestFailure.permanent("the file has " + bytes + " bytes, more than the limit of " + maxFileBytes
                    + " (MNEMO_INGEST_MAX_FILE_BYTES)");
        }
    }

    public String extract(byte[] content, String fileType, String name) {
        checkSize(content.length);
        String text = RAW_TEXT.contains(fileType) ? raw(content) : parseInTime(content, name);
        if (text.length() > maxTextChars) {
            throw tooLong();
        }
        if (text.isBlank()) {
            throw IngestFailure.permanent(
                    "no text could be extracted from the " + fileType + " document (empty, " + "or only images)");
        }
        return text;
    }

    private String raw(byte[] content) {
        return new String(content, StandardCharsets.UTF_8).replace("\uFEFF", "");
    }

    /** Parses in a thread of its own, given up after the time limit (the thread is interrupted and left behind). */
    private String parseInTime(byte[] content, String name) {
        Future<String> parsed = parsing.submit(() -> parse(content, name));
        try {
            return parsed.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            parsed.cancel(true);
            throw IngestFailure.permanent("the document took longer than " + timeoutSeconds + " s to parse "
                    + "(MNEMO_INGEST_EXTRACT_TIMEOUT_SECONDS); it may be malformed or hostile");
        } catch (InterruptedException e) {
            parsed.cancel(true);
            Thread.currentThread().interrupt();
            throw IngestFailure.transientFailure("interrupted while parsing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IngestFailure failure) {
                throw failure;
            }
            if (e.getCause() instanceof VirtualMachineError error) {
                throw IngestFailure.permanent(
                        "the document could not be parsed: it exhausted the parser ("
                                + error.getClass().getSimpleName() + ")",
                        error);
            }
            throw IngestFailure.permanent("the document could not be parsed: " + reason(e.getCause()), e.getCause());
        }
    }

    /** Why a parse failed, in words: the hostile cases by name, else the innermost message. */
    static String reason(Throwable failure) {
        StringBuilder chain = new StringBuilder();
        Throwable innermost = failure;
        for (Throwable t = failure; t != null && chain.length() < 10_000; t = t.getCause()) {
            chain.append(' ').append(t.getMessage());
            innermost = t;
        }
        String all = chain.toString().toLowerCase(java.util.Locale.ROOT);
        if (all.contains("zip bomb")) {
            return "it expands far beyond its size (a zip bomb); refused";
        }
        if (all.contains("doctype")) {
            return "it declares a DOCTYPE (entities that could read files or URLs); refused";
        }
        String message = innermost.getMessage();
        return message == null || message.isBlank() ? innermost.getClass().getSimpleName() : message;
    }

    private String parse(byte[] content, String name) {
        BodyContentHandler handler = new BodyContentHandler(maxTextChars);
        Metadata metadata = new Metadata();
        if (name != null) {
            metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        }
        try {
            parser.parse(new ByteArrayInputStream(content), handler, metadata, new ParseContext());
            return handler.toString();
        } catch (EncryptedDocumentException e) {
            throw IngestFailure.permanent("the document is encrypted or password-protected", e);
        } catch (SAXException e) {
            if (WriteLimitReachedException.isWriteLimitReached(e)) {
                throw tooLong();
            }
            throw IngestFailure.permanent("the document could not be parsed: " + reason(e), e);
        } catch (TikaException | IOException e) {
            throw IngestFailure.permanent("the document could not be parsed: " + reason(e), e);
        }
    }

    @Override
    public void close() {
        parsing.shutdownNow();
    }

    private IngestFailure tooLong() {
        return IngestFailure.permanent(
                "the document's text is longer than " + maxTextChars + " characters (MNEMO_INGEST_MAX_TEXT_CHARS)");
    }
}
