package org.mnemo.gateway.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/** Real documents made by the libraries that write them (PDFBox, POI), not canned bytes. */
final class Fixtures {
    private Fixtures() {}

    /** A PDF with one line of text per entry; no lines makes a PDF without any text. */
    static byte[] pdf(String... lines) {
        try (PDDocument document = new PDDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage();
            document.addPage(page);
            if (lines.length > 0) {
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    content.beginText();
                    content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    content.newLineAtOffset(50, 700);
                    for (String line : lines) {
                        content.showText(line);
                        content.newLineAtOffset(0, -16);
                    }
                    content.endText();
                }
            }
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] docx(String... paragraphs) {
        try (XWPFDocument document = new XWPFDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            for (String paragraph : paragraphs) {
                document.createParagraph().createRun().setText(paragraph);
            }
            document.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A DOCX whose main part inflates to {@code inflatedMegabytes} MB of text from a few hundred KB: a zip bomb
     * (a real POI document with its word/document.xml swapped for the bomb).
     */
    static byte[] zipBombDocx(int inflatedMegabytes) {
        byte[] run = new byte[1 << 20];
        java.util.Arrays.fill(run, (byte) 'a');
        return replacePart(docx("placeholder"), "word/document.xml", out -> {
            out.write(DOCUMENT_OPEN.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (int i = 0; i < inflatedMegabytes; i++) {
                out.write(run);
            }
            out.write(DOCUMENT_CLOSE.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        });
    }

    /** A DOCX whose text is an external entity that names {@code file} (XXE). */
    static byte[] xxeDocx(java.nio.file.Path file) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM \""
                + file.toUri() + "\">]>\n" + DOCUMENT_OPEN.substring(DOCUMENT_OPEN.indexOf("<w:document"))
                + "Leaked: &xxe;" + DOCUMENT_CLOSE;
        return replacePart(
                docx("placeholder"),
                "word/document.xml",
                out -> out.write(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * A PDF whose page draws a form XObject that draws itself: a parser without a guard recurses without end. The
     * bytes are written by hand, with a correct cross-reference table, as no PDF library writes such a file.
     */
    static byte[] selfDrawingPdf() {
        String[] objects = {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /F1 4 0 R >> >> "
                    + "/Contents 5 0 R >>",
            "<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /F1 4 0 R >> >> "
                    + "/Length 7 >>\nstream\n/F1 Do\nendstream",
            "<< /Length 7 >>\nstream\n/F1 Do\nendstream"
        };
        StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
        long[] offsets = new long[objects.length];
        for (int i = 0; i < objects.length; i++) {
            offsets[i] = pdf.length();
            pdf.append(i + 1).append(" 0 obj\n").append(objects[i]).append("\nendobj\n");
        }
        long xref = pdf.length();
        pdf.append("xref\n0 ").append(objects.length + 1).append("\n0000000000 65535 f \n");
        for (long offset : offsets) {
            pdf.append(String.format("%010d 00000 n \n", offset));
        }
        pdf.append("trailer\n<< /Size ")
                .append(objects.length + 1)
                .append(" /Root 1 0 R >>\nstartxref\n")
                .append(xref)
                .append("\n%%EOF\n");
        return pdf.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static final String DOCUMENT_OPEN = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            + "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p>"
            + "<w:r><w:t>";
    private static final String DOCUMENT_CLOSE = "</w:t></w:r></w:p></w:body></w:document>";

    private interface PartWriter {
        void write(java.io.OutputStream out) throws IOException;
    }

    /** The zip {@code docx} with one entry's content replaced. */
    private static byte[] replacePart(byte[] docx, String part, PartWriter writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (java.util.zip.ZipInputStream in =
                        new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(docx));
                java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes)) {
            out.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
            for (java.util.zip.ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                if (entry.getName().equals(part)) {
                    writer.write(out);
                } else {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] html(String title, String body) {
        return ("<!doctype html><html><head><title>" + title + "</title><script>var hidden = 'no';</script></head>"
                        + "<body><h1>" + title + "</h1><p>" + body + "</p></body></html>")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
