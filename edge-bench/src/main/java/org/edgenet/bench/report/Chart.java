package org.edgenet.bench.report;

import org.edgenet.bench.stats.Spread;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A line chart of the report, drawn by XChart and saved as PNG: one line per series through the
 * runs' medians, and at each point a whisker from the runs' minimum to their maximum. A point
 * without runs is a gap in its line.
 *
 * @param file file name under the report's plots directory, e.g. {@code aed-latency.png}
 * @param logX plot x on a log10 scale (sizes that grow by decades)
 */
public record Chart(String file, String title, String xLabel, String yLabel, boolean logX, List<Series> series) {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    /** Strong colours that stay apart on white; XChart's own include a pale yellow. */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b)
    };

    public Chart {
        series = List.copyOf(series);
    }

    /** Draws the chart into {@code dir}/{@link #file()}. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path out = dir.resolve(file);
        try (OutputStream png = Files.newOutputStream(out)) {
            BitmapEncoder.saveBitmap(render(), png, BitmapEncoder.BitmapFormat.PNG);
        }
        return out;
    }

    XYChart render() {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        XYStyler style = chart.getStyler();
        style.setLocale(Locale.ROOT);
        style.setChartBackgroundColor(Color.WHITE);
        style.setPlotBackgroundColor(Color.WHITE);
        style.setXAxisLogarithmic(logX);
        // The y axis starts at zero, so lines of different series compare by height.
        style.setYAxisMin(0.0);
        if (series.stream().allMatch(s -> s.y().stream().allMatch(Spread::isEmpty))) {
            // Every run failed: XChart cannot scale an axis without a value; the empty chart still says so.
            style.setYAxisMax(1.0);
        }
        // Below the plot, where it hides no line.
        style.setLegendPosition(Styler.LegendPosition.OutsideS);
        style.setLegendLayout(Styler.LegendLayout.Horizontal);
        style.setXAxisDecimalPattern("#,##0.###");
        style.setErrorBarsColorSeriesColor(true);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            Color color = PALETTE[i % PALETTE.length];
            double[] x = s.x().stream().mapToDouble(Double::doubleValue).toArray();
            XYSeries line = chart.addSeries(s.name(), x, y(s, Spread::median));
            line.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(color).setLineColor(color);
            // XChart's error bars are symmetric, so the whisker is a bar around the middle of the range.
            XYSeries whiskers = chart.addSeries(s.name() + " (min–max)", x,
                    y(s, r -> (r.min() + r.max()) / 2), y(s, r -> (r.max() - r.min()) / 2));
            whiskers.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            whiskers.setMarker(SeriesMarkers.NONE).setLineColor(color);
            whiskers.setShowInLegend(false);
        }
        return chart;
    }

    /** One value per point; NaN where a point has no runs, which XChart leaves out of the line. */
    private static double[] y(Series s, ToDoubleFunction<Spread> value) {
        return s.y().stream().mapToDouble(r -> r.isEmpty() ? Double.NaN : value.applyAsDouble(r)).toArray();
    }
}
