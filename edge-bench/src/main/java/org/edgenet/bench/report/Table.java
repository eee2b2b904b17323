package org.edgenet.bench.report;

import java.util.ArrayList;
import java.util.List;

/** A table of already formatted cells, written both as Markdown and as aligned console text. */
public final class Table {
    private final String caption;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String caption, String... header) {
        this.caption = caption;
        this.header = List.of(header);
    }

    public Table row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, header " + header.size());
        }
        List<String> row = new ArrayList<>();
        for (Object c : cells) {
            row.add(String.valueOf(c));
        }
        rows.add(row);
        return this;
    }

    public String caption() {
        return caption;
    }

    /** GitHub-flavoured Markdown; numbers right-aligned, since every column after the first holds figures. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        line(sb, header);
        sb.append('|');
        for (int i = 0; i < header.size(); i++) {
            sb.append(i == 0 ? " --- |" : " ---: |");
        }
        sb.append('\n');
        for (List<String> row : rows) {
            line(sb, row);
        }
        return sb.toString();
    }

    /** One row; a pipe inside a cell would end the cell, so it is escaped. */
    private static void line(StringBuilder sb, List<String> cells) {
        sb.append('|');
        for (String c : cells) {
            sb.append(' ').append(c.replace("|", "\\|")).append(" |");
        }
        sb.append('\n');
    }

    /** Columns padded to their widest cell: the first left-aligned, numbers right-aligned. */
    public String toText() {
        int[] width = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < all.size(); r++) {
            List<String> row = all.get(r);
            for (int i = 0; i < row.size(); i++) {
                String c = row.get(i);
                String pad = " ".repeat(width[i] - c.length());
                sb.append(i == 0 ? c + pad : pad + c).append(i + 1 < row.size() ? "  " : "");
            }
            sb.append('\n');
            // A rule under the header, as wide as the table.
            if (r == 0) {
                int total = 0;
                for (int w : width) {
                    total += w + 2;
                }
                sb.append("-".repeat(Math.max(0, total - 2))).append('\n');
            }
        }
        return sb.toString();
    }
}
