package org.edgenet.bench.report;

import org.edgenet.bench.stats.Spread;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one scenario found: tables and charts for the report, summary lines, the ratios against its
 * baselines, the raw metrics a test checks for sanity, and every problem seen (a wrong log file, a
 * failed request). A scenario with problems still reports what it measured.
 */
public final class ScenarioResult {
    private final String id;
    private final String title;
    private final String command;
    private final List<String> paragraphs = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();
    private final List<Chart> charts = new ArrayList<>();
    private final List<SummaryRow> summary = new ArrayList<>();
    private final List<Ratio> ratios = new ArrayList<>();
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final List<Figure> figures = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private double seconds;

    public ScenarioResult(String id, String title, String command) {
        this.id = id;
        this.title = title;
        this.command = command;
    }

    /** One line of the summary table: a figure, its baseline (or empty), and the ratio (or empty). */
    public record SummaryRow(String figure, String value, String baseline, String ratio) {
    }

    /** EdgeNet's figure over its baseline's, per run, for the ranking of the biggest gaps. */
    public record Ratio(String what, Spread ratio) {
    }

    /**
     * One figure of results.json under a key that stays the same from run to run, e.g.
     * {@code small.1000.rate}; {@code baseline} and {@code ratio} are {@link Spread#NONE} when the
     * figure has none. The ratio is per run, EdgeNet over baseline, so higher is better unless the
     * unit is a time.
     */
    public record Figure(String key, String label, String unit, Spread value, Spread baseline, Spread ratio) {
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public String command() {
        return command;
    }

    public ScenarioResult paragraph(String markdown) {
        paragraphs.add(markdown);
        return this;
    }

    public Table table(Table t) {
        tables.add(t);
        return t;
    }

    public void chart(Chart c) {
        charts.add(c);
    }

    public void summary(String figure, String value, String baseline, String ratio) {
        summary.add(new SummaryRow(figure, value, baseline, ratio));
    }

    public void ratio(String what, Spread ratio) {
        ratios.add(new Ratio(what, ratio));
    }

    public void figure(String key, String label, String unit, Spread value, Spread baseline, Spread ratio) {
        figures.add(new Figure(key, label, unit, value, baseline, ratio));
    }

    /** A figure with no baseline. */
    public void figure(String key, String label, String unit, Spread value) {
        figure(key, label, unit, value, Spread.NONE, Spread.NONE);
    }

    public List<Figure> figures() {
        return figures;
    }

    public void metric(String name, double value) {
        metrics.put(name, value);
    }

    /** Something went wrong: the run is not trustworthy and the bench exits non-zero. */
    public void problem(String text) {
        problems.add(text);
    }

    /** The troubling lines of a server's console (errors, stack traces), each a problem. */
    public void serverTrouble(List<String> lines) {
        for (String line : lines) {
            problem("server console: " + line);
        }
    }

    /** Something a reader must know, such as a size skipped for lack of descriptors. */
    public void note(String text) {
        notes.add(text);
    }

    public void seconds(double s) {
        seconds = s;
    }

    public List<String> paragraphs() {
        return paragraphs;
    }

    public List<Table> tables() {
        return tables;
    }

    public List<Chart> charts() {
        return charts;
    }

    public List<SummaryRow> summary() {
        return summary;
    }

    public List<Ratio> ratios() {
        return ratios;
    }

    public Map<String, Double> metrics() {
        return metrics;
    }

    public List<String> problems() {
        return problems;
    }

    public List<String> notes() {
        return notes;
    }

    public double seconds() {
        return seconds;
    }
}
