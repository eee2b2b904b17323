package org.edgenet.bench.report;

import org.edgenet.bench.stats.Spread;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
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
}
