package org.mnemo.gateway.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
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
 * (Markdown keeps its headings, which the chunker uses); everything else goes through Tika's parsers.
 */
public final class TextExtractor {
    private static final Set<String> RAW_TEXT = Set.of("md", "txt", "json", "csv");

    private final AutoDetectParser parser = new AutoDetectParser();
    private final long maxFileBytes;
    private final int maxTextChars;

    public TextExtractor(long maxFileBytes, long maxTextChars) {
        this.maxFileBytes = maxFileBytes;
        this.maxTextChars = (int) Math.min(Integer.MAX_VALUE, maxTextChars);
    }

    public void checkSize(long bytes) {
        if (bytes > maxFileBytes) {
            throw IngestFailure.permanent("the file has " + bytes + " bytes, more than the limit of " + maxFileBytes
                    + " (MNEMO_INGEST_MAX_FILE_BYTES)");
        }
    }

    public String extract(byte[] content, String fileType, String name) {
        checkSize(content.length);
        String text = RAW_TEXT.contains(fileType) ? raw(content) : parse(content, name);
        if (text.length() > maxTextChars) {
            throw tooLong();
        }
        if (text.isBlank()) {
            throw IngestFailure.permanent("no text could be extracted from the " + fileType + " document (empty, "
                    + "or only images)");
        }
        return text;
    }

    private String raw(byte[] content) {
        return new String(content, StandardCharsets.UTF_8).replace("\uFEFF", "");
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
            throw IngestFailure.permanent("the document could not be parsed: " + e.getMessage(), e);
        } catch (TikaException | IOException e) {
            throw IngestFailure.permanent("the document could not be parsed: " + e.getMessage(), e);
        }
    }

    private IngestFailure tooLong() {
        return IngestFailure.permanent("the document's text is longer than " + maxTextChars
                + " characters (MNEMO_INGEST_MAX_TEXT_CHARS)");
    }
}
