package io.cmqkafka.bench;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts of the report, drawn with XChart. */
final class Charts {

    private Charts() {
    }

    static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(900).height(420).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
                .build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setPlotGridLinesVisible(true);
        return c;
    }

    /** Adds a line, dropping NaN points; does nothing when no point is left. */
    static void line(XYChart c, String name, double[] x, double[] y) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (!Double.isNaN(y[i]) && !Double.isInfinite(y[i])) {
                xs.add(x[i]);
                ys.add(y[i]);
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        XYSeries s = c.addSeries(name, xs, ys);
        s.setMarker(xs.size() > 40 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        s.setLineStyle(new BasicStroke(1.6f));
    }

    /** Per-second counts as msg/s at the middle of each second. */
    static void perSecond(XYChart c, String name, long[] counts) {
        double[] x = new double[counts.length];
        double[] y = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            x[i] = i + 0.5;
            y[i] = counts[i];
        }
        line(c, name, x, y);
    }

    static CategoryChart bars(String title, String yTitle, boolean log) {
        CategoryChart c = new CategoryChartBuilder().width(900).height(420).title(title).yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setYAxisLogarithmic(log);
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setLabelsFontColorAutomaticEnabled(false);
        c.getStyler().setLabelsFontColor(java.awt.Color.BLACK);
        c.getStyler().setLabelsPosition(0.9);
        return c;
    }

    static boolean hasSeries(XYChart c) {
        return !c.getSeriesMap().isEmpty();
    }

    static void save(Object chart, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        String base = file.toString().replaceFirst("\\.png$", "");
        if (chart instanceof XYChart x) {
            BitmapEncoder.saveBitmap(x, base, BitmapEncoder.BitmapFormat.PNG);
        } else if (chart instanceof CategoryChart c) {
            BitmapEncoder.saveBitmap(c, base, BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
