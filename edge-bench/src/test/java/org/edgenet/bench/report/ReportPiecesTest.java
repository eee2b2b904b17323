package org.edgenet.bench.report;

import org.edgenet.bench.harness.MachineInfo;
import org.edgenet.bench.stats.Spread;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportPiecesTest {
    @Test
    void tableEscapesPipesInMarkdownAndAlignsText() {
        Table t = new Table("t", "what", "value").row("a|b", "1").row("longer name", "22");
        String md = t.toMarkdown();
        assertTrue(md.contains("| a\\|b | 1 |"), md);
        assertTrue(md.startsWith("| what | value |\n| --- | ---: |\n"), md);
        String text = t.toText();
        List<String> lines = text.lines().toList();
        assertEquals(lines.get(2).length(), lines.get(3).length(), "rows padded to one width: " + text);
        assertTrue(lines.get(3).startsWith("longer name") && lines.get(3).endsWith("22"), text);
        assertThrows(IllegalArgumentException.class, () -> t.row("only one"), "a short row is refused");
    }

    @Test
    void chartIsAReadablePngWithSomethingDrawnOnIt(@TempDir Path dir) throws Exception {
        Chart c = new Chart("c.png", "Latency", "devices", "ms", false, List.of(
                new Series("p50", List.of(1_000.0, 10_000.0), List.of(Spread.of(1, 2, 3), Spread.of(4, 5, 6))),
                new Series("p99", List.of(1_000.0, 10_000.0), List.of(Spread.of(7), Spread.NONE))));
        BufferedImage img = ImageIO.read(c.write(dir).toFile());
        assertEquals(900, img.getWidth(), "chart width");
        int coloured = 0;
        for (int x = 0; x < img.getWidth(); x += 3) {
            for (int y = 0; y < img.getHeight(); y += 3) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                int r = rgb >> 16;
                int b = rgb & 0xFF;
                if (b > r + 80) {
                    coloured++;
                }
            }
        }
        assertNotEquals(0, coloured, "the first series is drawn in blue");
    }

    @Test
    void chartDrawsEachMedianAsALineAndEachRunRangeAsAWhiskerOutOfTheLegend() {
        Chart c = new Chart("c.png", "Throughput", "samples (log scale)", "MB/s", true, List.of(
                new Series("EdgeNet", List.of(1_000.0, 10_000.0), List.of(Spread.of(1, 2, 5), Spread.NONE))));

        XYChart chart = c.render();

        assertEquals(List.of("Throughput", "samples (log scale)", "MB/s", true),
                List.of(chart.getTitle(), chart.getXAxisTitle(), chart.getYAxisTitle(), chart.getStyler().isXAxisLogarithmic()),
                "title, axis titles and log axis");
        XYSeries line = chart.getSeries("EdgeNet");
        XYSeries whisker = chart.getSeries("EdgeNet (min–max)");
        assertEquals(2, line.getYData()[0], "the median");
        assertTrue(Double.isNaN(line.getYData()[1]), "a point without runs is a gap");
        assertEquals(List.of(1.0, 5.0), List.of(whisker.getYData()[0] - whisker.getExtraValues()[0],
                whisker.getYData()[0] + whisker.getExtraValues()[0]), "the whisker spans the runs' minimum to maximum");
        assertTrue(line.isShowInLegend() && !whisker.isShowInLegend(), "only the line is named in the legend");
    }

    @Test
    void chartsWithoutARangeToScaleAreStillWritten(@TempDir Path dir) throws Exception {
        List<Chart> edgeCases = List.of(
                new Chart("zero.png", "Latency", "devices", "ms", false, List.of(
                        new Series("p50", List.of(10.0), List.of(Spread.of(0, 0))))),
                new Chart("empty.png", "Throughput", "samples (log scale)", "MB/s", true, List.of(
                        new Series("EdgeNet", List.of(1_000.0, 1_000_000.0), List.of(Spread.NONE, Spread.NONE)))));
        for (Chart c : edgeCases) {
            BufferedImage img = ImageIO.read(c.write(dir).toFile());
            assertEquals(540, img.getHeight(), "height of " + c.file());
        }
    }

    @Test
    void resultsJsonHoldsEveryFigureUnderItsKeyWithTheMachineAndTheCommit(@TempDir Path dir) throws Exception {
        ScenarioResult r = new ScenarioResult("small", "8. Small", "scripts/bench.sh --only small");
        r.figure("small.1000.rate", "commands/s over \"1,000\" devices", "1/s", Spread.of(90, 100, 110),
                Spread.of(900, 1000, 1100), Spread.of(0.1, 0.1, 0.1));
        r.figure("small.1000.aed.p99", "AED p99", "ms", Spread.of(Double.NaN));
        r.problem("a\nline");
        MachineInfo machine = new MachineInfo(2, 1024, "CPU", "Linux", "JDK 17", "2026-11-30 06:00 UTC", 20000,
                List.of("-Xmx1g"), 1.5, "abc1234");
        Report report = new Report(machine, "quick", "-Xmx1g", List.of(r), 12.5);

        report.write(dir);
        String json = Files.readString(dir.resolve(Report.RESULTS));

        for (String expected : List.of("\"schema\": 1", "\"commit\": \"abc1234\"", "\"cores\": 2",
                "\"loadAverageStart\": 1.5", "\"seconds\": 12.5", "\"problems\": [\n    \"small: a\\nline\"\n  ]",
                "\"small.1000.rate\": {", "\"label\": \"commands/s over \\\"1,000\\\" devices\"",
                "\"value\": {\n        \"median\": 100,\n        \"min\": 90,\n        \"max\": 110,\n        \"runs\": 3",
                "\"median\": 1000", "\"median\": 0.1,", "\"small.1000.aed.p99\": {", "\"value\": null",
                "\"baseline\": null")) {
            assertTrue(json.contains(expected), "results.json has " + expected + ":\n" + json);
        }
        String md = Files.readString(dir.resolve("PERFORMANCE.md"));
        assertTrue(md.contains("| `small.1000.rate` | commands/s over \"1,000\" devices | 1/s | yes |"),
                "the key is documented at the top of the report");
        assertTrue(md.indexOf("`small.1000.rate`") < md.indexOf("## Machine"), "before the machine facts");
    }
}
