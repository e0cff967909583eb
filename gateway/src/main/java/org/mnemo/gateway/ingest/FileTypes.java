package org.mnemo.gateway.ingest;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** File types as stored on items: a lower-case extension, normalised from a MIME type or an extension. */
public final class FileTypes {
    /** The formats Mnemo extracts text from. */
    public static final Set<String> SUPPORTED =
            Set.of("pdf", "docx", "pptx", "html", "md", "txt", "json", "csv", "rtf", "odt");

    private static final Map<String, String> MIME = Map.ofEntries(
            Map.entry("application/pdf", "pdf"),
            Map.entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
            Map.entry("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
            Map.entry("text/html", "html"),
            Map.entry("application/xhtml+xml", "html"),
            Map.entry("text/markdown", "md"),
            Map.entry("text/x-markdown", "md"),
            Map.entry("text/plain", "txt"),
            Map.entry("application/json", "json"),
            Map.entry("text/csv", "csv"),
            Map.entry("application/rtf", "rtf"),
            Map.entry("text/rtf", "rtf"),
            Map.entry("application/vnd.oasis.opendocument.text", "odt"));
    private static final Map<String, String> ALIASES = Map.of("markdown", "md", "htm", "html", "text", "txt");

    private FileTypes() {}

    /** The extension for a MIME type or extension ("text/markdown", ".MD", "md" → "md"); null when unknown. */
    public static String normalise(String fileType) {
        if (fileType == null) {
            return null;
        }
        String value = fileType.strip().toLowerCase(Locale.ROOT);
        int parameters = value.indexOf(';');
        if (parameters >= 0) {
            value = value.substring(0, parameters).strip();
        }
        if (value.contains("/")) {
            return MIME.get(value);
        }
        if (value.startsWith(".")) {
            value = value.substring(1);
        }
        value = ALIASES.getOrDefault(value, value);
        return SUPPORTED.contains(value) ? value : null;
    }

    private static final Map<String, Set<String>> UNSUPPORTED = Map.of(
            "an image", Set.of("png", "jpg", "jpeg", "gif", "webp", "tif", "tiff", "bmp", "heic", "svg", "ico"),
            "audio", Set.of("mp3", "wav", "flac", "m4a", "ogg", "aac", "opus"),
            "a video", Set.of("mp4", "mov", "avi", "mkv", "webm", "m4v"),
            "an archive", Set.of("zip", "tar", "gz", "tgz", "7z", "rar", "bz2", "xz"),
            "a spreadsheet", Set.of("xls", "xlsx", "ods", "numbers"),
            "a program or binary", Set.of("exe", "dll", "so", "bin", "jar", "class", "dmg", "iso"));

    /**
     * Why a file type that is not supported is refused, naming what it is ("'file_type' 'png' is an image: …"):
     * the same answer for uploads and S3 ingests (415 unsupported_file_type).
     */
    public static String refusal(String fileType) {
        String value = fileType == null ? "" : fileType.strip().toLowerCase(Locale.ROOT);
        int parameters = value.indexOf(';');
        value = parameters >= 0 ? value.substring(0, parameters).strip() : value;
        String kind = null;
        if (value.contains("/")) {
            String family = value.substring(0, value.indexOf('/'));
            kind = switch (family) {
                case "image" -> "an image";
                case "audio" -> "audio";
                case "video" -> "a video";
                default -> null;
            };
        } else {
            String extension = value.startsWith(".") ? value.substring(1) : value;
            kind = UNSUPPORTED.entrySet().stream()
                    .filter(e -> e.getValue().contains(extension))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse(null);
        }
        String supported = "supported formats: " + new java.util.TreeSet<>(SUPPORTED);
        if (value.isEmpty()) {
            return "'file_type' is missing; " + supported;
        }
        return kind == null
                ? "'file_type' '" + value + "' is not a format Mnemo extracts text from; " + supported
                : "'file_type' '" + value + "' is " + kind + ": Mnemo indexes the text of documents and does not store "
                        + (kind.equals("an image") ? "images" : "such files") + " yet; " + supported;
    }

    /** The extension of a file name or S3 key, normalised; null when it has none or an unsupported one. */
    public static String ofName(String name) {
        int dot = name == null ? -1 : name.lastIndexOf('.');
        return dot < 0 || dot == name.length() - 1 ? null : normalise(name.substring(dot + 1));
    }
}
