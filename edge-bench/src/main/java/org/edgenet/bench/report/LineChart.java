package org.edgenet.bench.report;

import org.edgenet.bench.stats.Spread;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A simple line chart drawn with Java2D and saved as PNG: axes with ticks, labels, a legend, and one
 * line per series with min–max whiskers. Runs headless; no charting library needed.
 *
 * @param file  file name under the report's plots directory, e.g. {@code aed-latency.png}
 * @param logX  plot x on a log10 scale (sizes that grow by decades)
 */
public record LineChart(String file, String title, String xLabel, String yLabel, boolean logX, List<Series> series) {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b)
    };

    public LineChart {
        series = List.copyOf(series);
    }

    /** Draws the chart into {@code dir}/{@link #file()}. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path out = dir.resolve(file);
        ImageIO.write(render(), "png", out.toFile());
        return out;
    }

    BufferedImage render() {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            draw(g);
        } finally {
            g.dispose();
        }
        return img;
    }

    private void draw(Graphics2D g) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.x().size(); i++) {
                Spread y = s.y().get(i);
                if (y.isEmpty()) {
                    continue;
                }
                double x = fx(s.x().get(i));
                xMin = Math.min(xMin, x);
                xMax = Math.max(xMax, x);
                yMax = Math.max(yMax, y.max());
            }
        }
        if (xMin > xMax) {
            xMin = 0;
            xMax = 1;
        }
        // A single x value (one size measured) still needs a visible axis around it.
        if (xMin == xMax) {
            xMin -= 1;
            xMax += 1;
        } else if (!logX) {
            double pad = (xMax - xMin) * 0.05;
            xMin -= pad;
            xMax += pad;
        } else {
            xMin -= 0.15;
            xMax += 0.15;
        }
        // The y axis starts at zero, so lines of different series compare by height; the top leaves headroom.
        double yTop = niceCeiling(yMax <= 0 ? 1 : yMax * 1.08);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        FontMetrics fm = g.getFontMetrics();
        g.setColor(Color.BLACK);
        g.drawString(title, (WIDTH - fm.stringWidth(title)) / 2, 30);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        fm = g.getFontMetrics();
        // Horizontal grid with y ticks.
        for (int i = 0; i <= 5; i++) {
            double v = yTop * i / 5;
            int py = TOP + plotH - (int) Math.round(plotH * i / 5.0);
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(LEFT, py, LEFT + plotW, py);
            g.setColor(Color.BLACK);
            String label = yTick(v, yTop);
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        // X ticks at each distinct x of the data: the sizes measured, nothing invented between them.
        List<Double> ticks = new ArrayList<>();
        for (Series s : series) {
            for (double x : s.x()) {
                if (!ticks.contains(x)) {
                    ticks.add(x);
                }
            }
        }
        for (double x : ticks) {
            int px = LEFT + (int) Math.round((fx(x) - xMin) / (xMax - xMin) * plotW);
            g.setColor(Color.BLACK);
            g.drawLine(px, TOP + plotH, px, TOP + plotH + 5);
            String label = tick(x);
            g.drawString(label, px - fm.stringWidth(label) / 2, TOP + plotH + 20);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
        g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
        g.drawString(xLabel, LEFT + (plotW - fm.stringWidth(xLabel)) / 2, HEIGHT - 22);
        AffineTransform saved = g.getTransform();
        // The y label reads bottom to top, beside the axis.
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(TOP + (plotH + fm.stringWidth(yLabel)) / 2), 22);
        g.setTransform(saved);

        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            g.setColor(PALETTE[si % PALETTE.length]);
            int prevX = -1;
            int prevY = -1;
            for (int i = 0; i < s.x().size(); i++) {
                Spread y = s.y().get(i);
                if (y.isEmpty()) {
                    prevX = -1;
                    continue;
                }
                int px = LEFT + (int) Math.round((fx(s.x().get(i)) - xMin) / (xMax - xMin) * plotW);
                int py = TOP + plotH - (int) Math.round(y.median() / yTop * plotH);
                int lo = TOP + plotH - (int) Math.round(y.min() / yTop * plotH);
                int hi = TOP + plotH - (int) Math.round(y.max() / yTop * plotH);
                // The whisker spans the runs' minimum to maximum; the dot is their median.
                g.setStroke(new BasicStroke(1.2f));
                g.drawLine(px, lo, px, hi);
                g.drawLine(px - 4, lo, px + 4, lo);
                g.drawLine(px - 4, hi, px + 4, hi);
                g.setStroke(new BasicStroke(2.5f));
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, px, py);
                }
                g.fillOval(px - 4, py - 4, 9, 9);
                prevX = px;
                prevY = py;
            }
        }
        drawLegend(g, fm, LEFT + plotW, TOP + 12);
    }

    /** Top right inside the plot, on a light box so that lines behind it do not cross the names. */
    private void drawLegend(Graphics2D g, FontMetrics fm, int right, int top) {
        int width = 0;
        for (Series s : series) {
            width = Math.max(width, fm.stringWidth(s.name()));
        }
        int lx = right - width - 50;
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(lx - 8, top - 12, width + 50, series.size() * 20 + 6);
        g.setColor(new Color(0xBBBBBB));
        g.setStroke(new BasicStroke(1f));
        g.drawRect(lx - 8, top - 12, width + 50, series.size() * 20 + 6);
        for (int si = 0; si < series.size(); si++) {
            int ly = top + si * 20;
            g.setColor(PALETTE[si % PALETTE.length]);
            g.setStroke(new BasicStroke(2.5f));
            g.drawLine(lx, ly, lx + 24, ly);
            g.fillOval(lx + 8, ly - 4, 9, 9);
            g.setColor(Color.BLACK);
            g.drawString(series.get(si).name(), lx + 32, ly + fm.getAscent() / 2 - 1);
        }
    }

    private double fx(double x) {
        return logX ? Math.log10(Math.max(x, 1e-9)) : x;
    }

    /** Rounds up to 1, 2, 2.5 or 5 times a power of ten, so tick labels stay short. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** A y tick with thousands separators and as many decimals as the axis's scale needs. */
    static String yTick(double v, double top) {
        int decimals = top >= 10 ? 0 : top >= 1 ? 1 : 3;
        return Spread.number(v, decimals);
    }

    /** 1,000 as 1k and 10,000,000 as 10M; small values with the decimals they need. */
    static String tick(double v) {
        double a = Math.abs(v);
        if (a >= 1e6 && v % 1e5 == 0) {
            return trim(v / 1e6) + "M";
        }
        if (a >= 1e3 && v % 100 == 0) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        String s = String.format(Locale.ROOT, Math.abs(v) < 1 ? "%.3f" : "%.2f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
